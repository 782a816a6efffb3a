import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { COUNTRIES } from './countries';

it('lists exactly the country codes the server accepts', () => {
  const go = readFileSync(new URL('../../internal/questionnaire/countries.go', import.meta.url), 'utf8');
  const block = go.slice(go.indexOf('const countries'), go.indexOf('var countrySet'));
  const codes = [...block.matchAll(/\b[A-Z]{2}\b/g)].map((m) => m[0]);
  expect(codes.length).toBeGreaterThan(240);
  expect([...COUNTRIES]).toEqual(codes);
});

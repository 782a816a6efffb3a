import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import ja from './locales/ja.json';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale catalogues', () => {
  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
  });

  it('have the same placeholders in each text', () => {
    const diff: string[] = [];
    for (const [k, v] of Object.entries(ja)) {
      const other = (en as Record<string, string>)[k];
      if (other !== undefined && placeholders(v).join() !== placeholders(other).join()) diff.push(`${k}: ja {${placeholders(v)}} en {${placeholders(other)}}`);
    }
    expect(diff).toEqual([]);
  });

  it('have no empty text', () => {
    for (const cat of [ja, en]) for (const [k, v] of Object.entries(cat)) expect(v.trim(), k).not.toBe('');
  });

  it('hold every key the code asks for', () => {
    // Literal keys passed to t('…'); keys built at run time (status.${…}) are listed by their prefix.
    const used = new Set<string>();
    const prefixes = new Set<string>();
    const walk = (dir: string) => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const p = `${dir}/${f.name}`;
        if (f.isDirectory()) walk(p);
        else if (/\.ts$/.test(f.name) && !/\.test\.ts$/.test(f.name)) {
          const src = readFileSync(p, 'utf8');
          for (const m of src.matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(m[1]);
          for (const m of src.matchAll(/\bt\(\s*`([\w.]+)\$\{/g)) prefixes.add(m[1]);
        }
      }
    };
    walk(new URL('.', import.meta.url).pathname.replace(/\/$/, ''));
    const missing = [...used].filter((k) => !(k in ja));
    expect(missing).toEqual([]);
    for (const p of prefixes) expect(Object.keys(ja).some((k) => k.startsWith(p)), p).toBe(true);
  });
});

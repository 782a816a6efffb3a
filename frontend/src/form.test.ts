import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareForm, toAnswers, toFormData, type SurveyElement, type SurveyJSON } from './form';

const repo = new URL('../../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, repo), 'utf8'));
const words = {
  unit: (u: string) => `（単位：${u}）`,
  country: (c: string) => `name-${c}`,
  otherAnswer: (title: string) => `${title}（数値以外の回答）`,
  countryColumn: '国・地域',
};
const esr: SurveyJSON = read('internal/questionnaire/testdata/esr.surveyjs.ja.json');
const { json, meta } = prepareForm(esr, words);
const elements = (j: SurveyJSON) => j.pages.flatMap((p) => p.elements);
const el = (name: string) => elements(json).find((e) => e.name === name) as SurveyElement;

describe('prepareForm', () => {
  it('puts a companion with the special answers right after each number question that allows them', () => {
    expect(meta.special).toEqual({
      prof_capital_million_yen: 'prof_capital_million_yen__special',
      prof_china_sales_share: 'prof_china_sales_share__special',
      prof_china_procurement_share: 'prof_china_procurement_share__special',
    });
    const names = elements(json).map((e) => e.name);
    for (const [num, companion] of Object.entries(meta.special)) expect(names.indexOf(companion)).toBe(names.indexOf(num) + 1);

    const capital = el('prof_capital_million_yen');
    expect(capital.choices).toBeUndefined();
    expect(capital.resetValueIf).toBe('{prof_capital_million_yen__special} notempty');
    expect(el('prof_capital_million_yen__special')).toMatchObject({
      type: 'checkbox',
      titleLocation: 'hidden',
      hideNumber: true,
      resetValueIf: '{prof_capital_million_yen} notempty',
      choices: [{ value: 'na', text: '該当しない', isExclusive: false }],
    });
  });

  it('keeps a required number required only while no special answer is ticked, and shows it under the same condition', () => {
    const share = el('prof_china_sales_share');
    expect(share.isRequired).toBe(false);
    expect(share.requiredIf).toBe('{prof_china_sales_share__special} empty');
    expect(el('prof_china_sales_share__special').visibleIf).toBe(share.visibleIf);
    expect(share.visibleIf).toBe("({prof_overseas} anyof ['sales'])");
  });

  it('adds the unit to the title', () => {
    expect(el('prof_employees').title).toMatch(/（単位：人）$/);
  });

  it('turns the country code into a list of every country, and offers only the items chosen', () => {
    const cols = el('prof_material_shares').columns!;
    const country = cols.find((c) => c.name === 'country')!;
    expect(country.cellType).toBe('dropdown');
    expect(country.title).toBe('国・地域');
    expect(country.validators).toBeUndefined();
    expect(country.choices).toHaveLength(249);
    expect(country.choices).toContainEqual({ value: 'CN', text: 'name-CN' });
    expect(country.choices!.slice(0, 3).map((c) => c.value)).toEqual(['JP', 'CN', 'US']); // the usual ones first
    expect(new Set(country.choices!.map((c) => c.value)).size).toBe(249);
    expect(cols.find((c) => c.name === 'item')!.choicesVisibleIf).toBe('{prof_critical_materials} contains {item}');
    expect(meta.shares).toEqual({ prof_material_shares: 'prof_critical_materials' });
  });

  it('leaves the server JSON as it was', () => {
    expect(esr).toEqual(read('internal/questionnaire/testdata/esr.surveyjs.ja.json'));
  });
});

describe('answers', () => {
  it('folds a ticked special answer into its number question', () => {
    expect(toAnswers({ prof_capital_million_yen: 12, prof_capital_million_yen__special: ['na'] }, meta)).toEqual({ prof_capital_million_yen: 'na' });
    expect(toAnswers({ prof_capital_million_yen: '1,250', prof_capital_million_yen__special: [] }, meta)).toEqual({ prof_capital_million_yen: 1250 });
    expect(toFormData({ prof_china_sales_share: 'dont_know' }, meta)).toEqual({ prof_china_sales_share__special: ['dont_know'] });
  });

  it('nests share rows by item and country, skipping rows not filled in', () => {
    const rows = [
      { item: 'permanent_magnets', country: 'CN', share: 60 },
      { item: 'permanent_magnets', country: 'cn', share: '30' },
      { item: 'permanent_magnets', country: 'JP' },
      { item: 'semiconductors', country: 'TW', share: 45 },
      { country: 'US', share: 10 },
      {},
    ];
    expect(toAnswers({ prof_material_shares: rows }, meta)).toEqual({
      prof_material_shares: { permanent_magnets: { CN: 90 }, semiconductors: { TW: 45 } },
    });
    expect(toAnswers({ prof_material_shares: [{}] }, meta)).toEqual({});
  });

  it('drops blanks: empty choices, empty text, nothing typed', () => {
    expect(toAnswers({ a: [], b: '  ', prof_employees: '', c: 0, d: 'x' }, meta)).toEqual({ c: 0, d: 'x' });
  });

  it('round-trips every example firm', () => {
    const dir = new URL('examples/answers/', repo);
    const files = readdirSync(dir).filter((f: string) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const known = new Set(elements(json).map((e) => e.name));
    for (const f of files) {
      const answers = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
      const data = toFormData(answers, meta);
      for (const k of Object.keys(data)) expect(known.has(k), `${f}: ${k}`).toBe(true);
      expect(toAnswers(data, meta), f).toEqual(answers);
    }
  });
});

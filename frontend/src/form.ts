// The questionnaire as the SurveyJS Form Library renders it, and the conversion of answers between
// the form's data and the API's values (DESIGN.md, "Answer values"). Pure: no DOM, no SurveyJS.
//
// The server's SurveyJS export (internal/questionnaire/surveyjs.go) carries what the web app
// needs in its own properties (esrType, esrItemsFrom, esrUnit). Two kinds of question need more
// than the library offers:
//   - a number or percent question that allows "not applicable" or "don't know" has those
//     choices in `choices`, which a text input ignores: each gets a companion checkbox question
//     right below the input; ticking it clears the number and typing a number clears the tick;
//   - country shares are a matrix of rows (item, country, share) in the form and a nested object
//     {item: {country: share}} in the API; the country becomes a searchable list of names.

import { COUNTRIES, FREQUENT } from './countries';
import type { Answers } from './autosave';

/** An element of the server's SurveyJS JSON (only what the web app reads or writes). */
export interface SurveyElement {
  type: string;
  name: string;
  title?: string;
  description?: string;
  isRequired?: boolean;
  visibleIf?: string;
  choices?: { value: unknown; text: string; isExclusive?: boolean }[];
  columns?: SurveyColumn[];
  esrType?: string;
  esrItemsFrom?: string;
  esrUnit?: string;
  [k: string]: unknown;
}

export interface SurveyColumn {
  name: string;
  title?: string;
  cellType?: string;
  choices?: { value: unknown; text: string }[];
  validators?: unknown[];
  [k: string]: unknown;
}

export interface SurveyPage {
  name: string;
  title?: string;
  description?: string;
  elements: SurveyElement[];
}

export interface SurveyJSON {
  title?: string;
  description?: string;
  locale?: string;
  pages: SurveyPage[];
  esready?: { id: string; version: number; hash: string };
  [k: string]: unknown;
}

/** What the conversions need to know about the form; the same in both languages. */
export interface FormMeta {
  /** Number question → its companion question of special answers. */
  special: Record<string, string>;
  /** Companion question → its number question. */
  companionOf: Record<string, string>;
  /** Country-share questions → the question their items come from ('' when none). */
  shares: Record<string, string>;
  /** Number and percent questions. */
  numbers: string[];
}

/** Form data: SurveyJS question name → value. */
export type FormData = Record<string, unknown>;

const COMPANION_SUFFIX = '__special';

/** Words the preparation adds, in the form's language. */
export interface FormWords {
  /** The unit after a number question's title, e.g. "（単位：{unit}）". */
  unit: (unit: string) => string;
  /** A country's name for the share matrix, e.g. "中国 (CN)". */
  country: (code: string) => string;
  /** Accessible name of the companion group, e.g. "{title}: 数値以外の回答". */
  otherAnswer: (title: string) => string;
  /** Title of the country column once it is a list of names, e.g. "国・地域". */
  countryColumn: string;
}

/** Returns the form to render (a copy of json with the companions and country lists) and its meta. */
export function prepareForm(json: SurveyJSON, words: FormWords): { json: SurveyJSON; meta: FormMeta } {
  const meta: FormMeta = { special: {}, companionOf: {}, shares: {}, numbers: [] };
  const choice = (code: string) => ({ value: code, text: words.country(code) });
  const countryChoices = [
    ...FREQUENT.map(choice),
    ...COUNTRIES.filter((c) => !FREQUENT.includes(c))
      .map(choice)
      .sort((a, b) => a.text.localeCompare(b.text, json.locale === 'en' ? 'en' : 'ja')),
  ];
  const pages = json.pages.map((page) => {
    const elements: SurveyElement[] = [];
    for (const src of page.elements) {
      const e: SurveyElement = { ...src };
      if (e.esrType === 'number' || e.esrType === 'percent') {
        meta.numbers.push(e.name);
        if (e.esrUnit) e.title = `${e.title ?? ''}${words.unit(e.esrUnit)}`;
        const special = e.choices ?? [];
        delete e.choices;
        elements.push(e);
        if (special.length > 0) {
          const name = e.name + COMPANION_SUFFIX;
          meta.special[e.name] = name;
          meta.companionOf[name] = e.name;
          if (e.isRequired) {
            e.isRequired = false;
            e.requiredIf = `{${name}} empty`;
          }
          e.resetValueIf = `{${name}} notempty`;
          elements.push({
            type: 'checkbox',
            name,
            title: words.otherAnswer(src.title ?? ''),
            titleLocation: 'hidden',
            hideNumber: true,
            visibleIf: e.visibleIf,
            resetValueIf: `{${e.name}} notempty`,
            choices: special.map((c) => ({ value: c.value, text: c.text, isExclusive: special.length > 1 })),
            esrCompanionOf: e.name,
          });
        }
        continue;
      }
      if (e.esrType === 'country_shares') {
        meta.shares[e.name] = e.esrItemsFrom ?? '';
        e.columns = (e.columns ?? []).map((c) => {
          if (c.name === 'country') {
            const { validators: _regex, ...rest } = c;
            return { ...rest, title: words.countryColumn, cellType: 'dropdown', choices: countryChoices, searchEnabled: true };
          }
          if (c.name === 'item' && e.esrItemsFrom) {
            // Offer only the items chosen in the question the items come from.
            return { ...c, choicesVisibleIf: `{${e.esrItemsFrom}} contains {item}` };
          }
          return c;
        });
      }
      elements.push(e);
    }
    return { ...page, elements };
  });
  return { json: { ...json, pages }, meta };
}

/** Whether name is a companion question (never sent to the API). */
export function isCompanion(meta: FormMeta, name: string): boolean {
  return name in meta.companionOf;
}

/** The number in v (a number, or a string a number input left), or undefined. */
function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim().replace(/,/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Converts form data to the API's answers: companions folded in, share rows nested, blanks dropped. */
export function toAnswers(data: FormData, meta: FormMeta): Answers {
  const out: Answers = {};
  for (const [name, v] of Object.entries(data)) {
    if (isCompanion(meta, name) || v === undefined || v === null) continue;
    if (name in meta.shares) {
      const shares = sharesFromRows(v, meta.shares[name] !== '');
      if (shares) out[name] = shares;
      continue;
    }
    if (meta.numbers.includes(name)) {
      const n = toNumber(v);
      if (n !== undefined) out[name] = n;
      continue;
    }
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    out[name] = v;
  }
  for (const [num, companion] of Object.entries(meta.special)) {
    const picked = data[companion];
    if (Array.isArray(picked) && picked.length > 0) out[num] = picked[picked.length - 1];
  }
  return out;
}

/** Converts the API's answers to form data. */
export function toFormData(answers: Answers, meta: FormMeta): FormData {
  const out: FormData = {};
  for (const [name, v] of Object.entries(answers)) {
    if (v === null || v === undefined) continue;
    if (name in meta.shares && typeof v === 'object' && !Array.isArray(v)) {
      out[name] = rowsFromShares(v as Record<string, unknown>, meta.shares[name] !== '');
      continue;
    }
    if (name in meta.special && typeof v === 'string') {
      out[meta.special[name]] = [v];
      continue;
    }
    out[name] = v;
  }
  return out;
}

interface ShareRow {
  item?: unknown;
  country?: unknown;
  share?: unknown;
}

/** Nests complete rows as {item: {country: share}} (or {country: share}); undefined when none is complete. */
function sharesFromRows(v: unknown, perItem: boolean): Record<string, unknown> | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Record<string, Record<string, number>> = {};
  const flat: Record<string, number> = {};
  let any = false;
  for (const row of v as ShareRow[]) {
    if (!row || typeof row !== 'object') continue;
    const country = typeof row.country === 'string' ? row.country.trim().toUpperCase() : '';
    const share = toNumber(row.share);
    const item = typeof row.item === 'string' ? row.item : '';
    if (!country || share === undefined || (perItem && !item)) continue;
    const into = perItem ? (out[item] ??= {}) : flat;
    into[country] = (into[country] ?? 0) + share; // the same country twice: its shares add up
    any = true;
  }
  if (!any) return undefined;
  return perItem ? out : flat;
}

function rowsFromShares(v: Record<string, unknown>, perItem: boolean): ShareRow[] {
  const rows: ShareRow[] = [];
  if (!perItem) {
    for (const [country, share] of Object.entries(v)) rows.push({ country, share });
    return rows;
  }
  for (const [item, shares] of Object.entries(v)) {
    if (!shares || typeof shares !== 'object') continue;
    for (const [country, share] of Object.entries(shares as Record<string, unknown>)) rows.push({ item, country, share });
  }
  return rows;
}

/** The form question an API path (a question id) names: itself. Companions never carry errors. */
export function questionForPath(path: string): string {
  return path.split(/[.[]/)[0];
}

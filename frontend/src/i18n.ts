// Every word a person reads comes from one catalogue per language (locales/ja.json, en.json);
// locales.test.ts fails when the two differ in keys or placeholders. Dates and numbers follow
// the language through Intl.

import en from './locales/en.json';
import ja from './locales/ja.json';

export type Lang = 'ja' | 'en';
export type Key = keyof typeof ja;

const catalogues: Record<Lang, Record<string, string>> = { ja, en };

let current: Lang = 'ja';

/** The language in use. */
export function lang(): Lang {
  return current;
}

/** Sets the language in use and the page's lang attribute. */
export function setLang(l: Lang): void {
  current = l;
  document.documentElement.lang = l;
}

/** Reads ja or en from s, or undefined. */
export function parseLang(s: string | null | undefined): Lang | undefined {
  return s === 'ja' || s === 'en' ? s : undefined;
}

/** The catalogue's text for key in the language in use, its {placeholders} filled from params. */
export function t(key: Key, params?: Record<string, string | number>, l: Lang = current): string {
  const text = catalogues[l][key] ?? catalogues.ja[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === 'number' ? num(v) : v;
  });
}

/** A bilingual text of the API ({ja, en}) in the language in use. */
export function tx(text: { ja?: string; en?: string } | undefined): string {
  if (!text) return '';
  return text[current] ?? text.ja ?? text.en ?? '';
}

/** The BCP 47 locale of the language in use, for Intl and Chart.js. */
export function locale(): string {
  return current === 'ja' ? 'ja-JP' : 'en-GB';
}

/** A number, formatted for the language in use. */
export function num(n: number, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: maxFractionDigits }).format(n);
}

/** A percentage given as 0–100. */
export function pct(n: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(n / 100);
}

/** A date (and time, when withTime) for the language in use; in timeZone, else the device's. */
export function date(d: Date | string, withTime = false, timeZone?: string): string {
  const v = typeof d === 'string' ? new Date(d) : d;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    ...(timeZone ? { timeZone } : {}),
  }).format(v);
}

/** A time of day, e.g. for "saved at 14:05". */
export function time(d: Date | number): string {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short' }).format(d);
}

/** A country's name from its ISO 3166-1 alpha-2 code, in the language in use. */
export function countryName(code: string, l: Lang = current): string {
  try {
    return new Intl.DisplayNames([l], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

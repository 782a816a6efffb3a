// What the web app keeps on the device, in localStorage: the language, which assessment is the
// current one, and per assessment its credential, the revision last acknowledged, the page the
// respondent is on and the answers not yet acknowledged by the server; for an assessment
// started from a chamber's link, the campaign's title and the chamber's name. Nothing else: no
// firm name, no result.

import type { Created, Credential, Text } from './api';
import type { FormData } from './form';
import { parseLang, type Lang } from './i18n';

/** One assessment as the device remembers it. */
export interface Stored extends Credential {
  status: 'draft' | 'submitted';
  revision: number;
  /** Index of the visible page the respondent was on. */
  page?: number;
  /** Form data not yet acknowledged by the server (kept until it is). */
  pending?: FormData;
  /** The revision pending was based on. */
  pendingBase?: number;
  /** Whether the private link still has to be shown (right after the draft was created). */
  showLink?: boolean;
  /** The chamber campaign the assessment answers (started from an invitation or open link). */
  campaign?: CampaignInfo;
}

/** A campaign as the respondent's pages name it. */
export interface CampaignInfo {
  id: string;
  title: Text;
  chamber: Text;
}

const PREFIX = 'esready.';
const KEY_LANG = PREFIX + 'lang';
const KEY_CURRENT = PREFIX + 'current';
const keyOf = (id: string) => PREFIX + 'assessment.' + id;

function get(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: the app still works, without resuming
  }
}

function set(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // full or disabled: nothing more can be done here; the server copy stays
  }
}

export function savedLang(): Lang | undefined {
  return parseLang(get(KEY_LANG));
}

export function saveLang(l: Lang): void {
  set(KEY_LANG, l);
}

/** The current assessment, if any. */
export function current(): Stored | undefined {
  const id = get(KEY_CURRENT);
  return id ? load(id) : undefined;
}

export function load(id: string): Stored | undefined {
  const raw = get(keyOf(id));
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Stored;
    return s && s.id === id && typeof s.token === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Stores s and makes it the current assessment. */
export function store(s: Stored): void {
  set(keyOf(s.id), JSON.stringify(s));
  set(KEY_CURRENT, s.id);
}

/** Remembers a draft just created (its credential is shown once: the private link goes up). */
export function adopt(c: Created, page?: number, campaign?: CampaignInfo): void {
  store({ id: c.id, token: c.respondent_token, status: 'draft', revision: c.revision, showLink: true, page, campaign });
}

/** Changes fields of the stored assessment id. */
export function patch(id: string, fields: Partial<Stored>): Stored | undefined {
  const s = load(id);
  if (!s) return undefined;
  const next = { ...s, ...fields };
  for (const k of Object.keys(fields) as (keyof Stored)[]) if (fields[k] === undefined) delete next[k];
  set(keyOf(id), JSON.stringify(next));
  return next;
}

/** Forgets the assessment id (after deleting it, or when the server no longer has it). */
export function forget(id: string): void {
  set(keyOf(id), null);
  if (get(KEY_CURRENT) === id) set(KEY_CURRENT, null);
}

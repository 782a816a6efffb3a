// The respondent API (internal/httpapi/openapi.yaml), typed for the web app.

import type { Answers, FieldError } from './autosave';
import type { SurveyJSON } from './form';
import { lang, t, type Key, type Lang } from './i18n';

export type Text = { ja: string; en: string };

export interface Created {
  id: string;
  respondent_token: string;
  revision: number;
  status: 'draft';
  lang: Lang;
  previous_id?: string;
  questionnaire: { id: string; version: number; hash: string };
  campaign_id?: string;
}

export interface Assessment {
  id: string;
  status: 'draft' | 'submitted';
  revision: number;
  lang: Lang;
  questionnaire: { id: string; version: number; hash: string };
  answers: Answers;
  created_at: string;
  updated_at: string;
  submitted_at?: string;
  previous_id?: string;
  /** The chamber campaign answered, and whether the firm lets the chamber see its answers. */
  campaign_id?: string;
  consent?: boolean;
}

/** A chamber campaign as its invitation link or open link shows it (POST /campaign-links). */
export interface Landing {
  campaign_id: string;
  title: Text;
  chamber: Text;
  opens: string;
  closes: string;
  open: boolean;
  invited_firm?: string;
  questionnaire: { id: string; version: number };
}

/** The credential of an invitation link (/invite#TOKEN) or a campaign's open link (/join#CODE). */
export type CampaignKey = { invitation: string } | { code: string };

/** A number of firms as the benchmark publishes it: the range it falls in, never the number. */
export interface FirmCount {
  min: number;
  max?: number;
  label: string;
}

/**
 * The firm among its cohort. The figures describe the whole cohort and are each the mean of the
 * five scores around their rank, dithered and rounded to 5 points, so that no firm's scores can
 * be read back; quarter (1 below q1 … 4 above q3) is read off them.
 */
export interface Standing {
  score: number | null;
  quarter?: 1 | 2 | 3 | 4;
  median: number;
  q1: number;
  q3: number;
  firms: FirmCount;
}

export interface ChecklistItem {
  id: string;
  domain?: string;
  status: 'done' | 'partial' | 'todo' | 'na';
  priority: 'high' | 'medium' | 'low';
  reason: Text;
  title?: Text;
  action?: Text;
  rationale?: Text;
  evidence?: Text;
  references?: string[];
  owner_label?: Text;
  horizon_days?: 30 | 90 | 365;
  effort?: 'S' | 'M' | 'L';
  find_out?: boolean;
}

export interface Change {
  previous: number | null;
  current: number | null;
  delta: number | null;
}

export interface Result {
  id: string;
  status: 'submitted';
  submitted_at?: string;
  scoring_version: number;
  size_band: 'small_scale' | 'sme' | 'large';
  size?: { band: string; rule?: Text };
  sector_label?: Text;
  overall: { score: number | null; level: number; capped?: boolean; description?: Text };
  domains: { id: string; title?: Text; score: number | null; coverage: number; insufficient_coverage?: boolean }[];
  exposure: {
    level: 'low' | 'medium' | 'high';
    materials: {
      id: string;
      label?: Text;
      hhi: number;
      concentration?: 'low' | 'moderate' | 'high';
      top_country: string;
      top_share: number;
      japan_share?: number | null;
      foreign_share?: number | null;
    }[];
    china_procurement_share?: number | null;
    china_sales_share?: number | null;
    reasons?: Text[];
  };
  benchmark: {
    source: 'peers' | 'published';
    k?: number;
    cohort?: { label: Text; firms: FirmCount | null };
    overall?: Standing;
    domains?: { id: string; standing: Standing | null }[];
    published?: { id: string; source: string; text: Text }[];
  };
  find_out?: string[];
  progress?: {
    previous_id: string;
    previous_submitted_at?: string;
    previous_scoring_version: number;
    scoring_version: number;
    overall: Change;
    previous_level?: number;
    level?: number;
    domains: ({ id: string; title?: Text } & Change)[];
  };
  checklist?: {
    items: ChecklistItem[];
    first_steps: ChecklistItem[];
    groups?: { domain: string; title: Text; items: string[] }[];
    counts?: Record<string, number>;
  };
}

/** An error answer of the API, or a failure to reach it (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** Seconds to wait before trying again (the Retry-After of a 429 or 503), if given. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** Whether the server could not be reached (or failed); trying again may help. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** What to tell the respondent about a failed call: the server's message, or that it could not be reached. */
export function errorText(e: unknown, unreachable: Key = 'error.network'): string {
  return e instanceof ApiError && !e.transient ? e.message : t(unreachable);
}

const BASE = '/api/v1';

/** The credential of one assessment. */
export interface Credential {
  id: string;
  token: string;
}

function headers(cred?: Credential, json = false): Record<string, string> {
  const h: Record<string, string> = { 'Accept-Language': lang() };
  if (cred) h.Authorization = `Bearer ${cred.token}`;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

/** Reads an API error answer (or a proxy's page) into an ApiError. */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; fields?: FieldError[] } } = {};
  try {
    body = await res.json();
  } catch {
    // not JSON: a proxy's error page
  }
  const wait = Number(res.headers.get('Retry-After') ?? NaN);
  return new ApiError(res.status, body.error?.code ?? 'http_' + res.status, body.error?.message ?? res.statusText, body.error?.fields ?? [], Number.isFinite(wait) ? wait : undefined);
}

/** fetch, with a failure to reach the server as an ApiError of status 0. */
export async function reach(fetcher: (url: string, init: RequestInit) => Promise<Response>, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
}

async function call(path: string, init: RequestInit): Promise<Response> {
  const res = await reach(fetch, BASE + path, init);
  if (res.ok) return res;
  throw await toApiError(res);
}

async function json<T>(path: string, init: RequestInit): Promise<T> {
  return (await call(path, init)).json() as Promise<T>;
}

/** POSTs body as JSON to path (under /api/v1) and reads the answer as JSON. */
export function post<T>(path: string, body: unknown): Promise<T> {
  return json(path, { method: 'POST', headers: headers(undefined, true), body: JSON.stringify(body) });
}

/** The URL autosave PUTs answers to. */
export function answersURL(id: string): string {
  return `${BASE}/assessments/${encodeURIComponent(id)}/answers`;
}

/** The SurveyJS form of a questionnaire, in one language. */
export function questionnaire(id: string, l: Lang, version?: number): Promise<SurveyJSON> {
  const q = new URLSearchParams({ format: 'surveyjs', lang: l });
  if (version) q.set('version', String(version));
  return json(`/questionnaires/${encodeURIComponent(id)}?${q}`, { headers: headers() });
}

/** Starts a draft; with previous, a re-assessment pre-filled with its answers. */
export function createAssessment(l: Lang, previous?: Credential): Promise<Created> {
  const body: Record<string, unknown> = { questionnaire_id: 'esr', lang: l };
  if (previous) body.previous = { id: previous.id, respondent_token: previous.token };
  return post('/assessments', body);
}

export function getAssessment(c: Credential): Promise<Assessment> {
  return json(`/assessments/${encodeURIComponent(c.id)}`, { headers: headers(c) });
}

export function submit(c: Credential): Promise<Result> {
  return json(`/assessments/${encodeURIComponent(c.id)}/submit`, { method: 'POST', headers: headers(c) });
}

export function result(c: Credential): Promise<Result> {
  return json(`/assessments/${encodeURIComponent(c.id)}/result`, { headers: headers(c) });
}

/** Deletes the assessment for good (204). */
export async function deleteAssessment(c: Credential): Promise<void> {
  await call(`/assessments/${encodeURIComponent(c.id)}`, { method: 'DELETE', headers: headers(c) });
}

/**
 * A file of the assessment (report.pdf, checklist.xlsx) as a blob, with the server's file name.
 * The firm name printed on the report travels in the X-Report-Firm header, percent-encoded, never
 * in the URL: URLs end up in proxy logs and the browser's history.
 */
export async function download(c: Credential, file: string, query: Record<string, string>, firm = ''): Promise<{ blob: Blob; name: string }> {
  const q = new URLSearchParams(query);
  const h = headers(c);
  if (firm) h['X-Report-Firm'] = encodeURIComponent(firm);
  const res = await call(`/assessments/${encodeURIComponent(c.id)}/${file}?${q}`, { headers: h });
  return { blob: await res.blob(), name: fileName(res, file) };
}

/** The file name a download's Content-Disposition gives, or fallback. */
export function fileName(res: Response, fallback: string): string {
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
  return m ? decodeURIComponent(m[1] ?? m[2]) : fallback;
}

/** Who asks, what and until when, for an invitation link or an open link. */
export function campaignLink(key: CampaignKey): Promise<Landing> {
  return post('/campaign-links', key);
}

/** Starts a draft inside the campaign of an invitation link or open link. */
export function joinCampaign(key: CampaignKey, l: Lang): Promise<Created> {
  const body = 'invitation' in key ? { invitation: key.invitation, lang: l } : { campaign_code: key.code, lang: l };
  return post('/assessments', body);
}

/** Records whether the firm lets its campaign's chamber see its individual answers. */
export async function setConsent(c: Credential, consent: boolean): Promise<void> {
  await call(`/assessments/${encodeURIComponent(c.id)}/consent`, { method: 'PUT', headers: headers(c, true), body: JSON.stringify({ consent }) });
}

/** A questionnaire as the API defines it (its questions, options and sections, in both languages). */
export interface Definition {
  id: string;
  version: number;
  title: Text;
  sections: {
    id: string;
    title: Text;
    domain?: string;
    questions: { id: string; type: string; text: Text; options?: { id: string; label: Text }[]; levels?: Text[] }[];
  }[];
}

/** The definition of a questionnaire version, to label the campaign's tables with. */
export function definition(id: string, version: number): Promise<Definition> {
  return json(`/questionnaires/${encodeURIComponent(id)}?${new URLSearchParams({ version: String(version) })}`, { headers: headers() });
}

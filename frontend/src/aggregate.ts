// A campaign's aggregate tables (GET /campaigns/ID/results) turned into what the dashboard
// shows: rows of cells, each a number or "—" for a suppressed cell. The API has already
// suppressed every cell of fewer than k firms (its value is null); a null is never shown as 0.
// Pure: no DOM, so the rules are unit-tested.

import { num, pct } from './i18n';

/** A view of the campaign: the firms of one sector or one prefecture. */
export interface Filter {
  dimension: 'sector' | 'prefecture';
  group: string;
}

export interface GroupRow {
  group: string;
  answered: number | null;
  counts: (number | null)[];
  /** Percent of the group's answered firms. */
  shares: (number | null)[];
}

export interface Split<R> {
  dimension: string;
  rows: R[];
}

export interface QuestionTable {
  question: string;
  type: string;
  columns: string[];
  splits: Split<GroupRow>[];
}

export interface Distribution {
  group: string;
  suppressed?: boolean;
  n: number | null;
  mean?: number | null;
  q1?: number | null;
  median?: number | null;
  q3?: number | null;
  histogram?: (number | null)[];
}

export interface ScoreTable {
  metric: string;
  splits: Split<Distribution>[];
}

export interface Aggregate {
  n: number;
  k: number;
  questions: QuestionTable[];
  scores: ScoreTable[];
}

/** What a table cell shows. */
export interface Cell {
  text: string;
  suppressed: boolean;
}

/** A suppressed cell. */
export const HIDDEN = '—';

const hidden: Cell = { text: HIDDEN, suppressed: true };

/** A count with its share of the group, e.g. "12 (40%)"; "—" when suppressed. */
export function countCell(count: number | null, share: number | null): Cell {
  if (count === null) return hidden;
  return { text: share === null ? num(count, 0) : `${num(count, 0)} (${pct(share)})`, suppressed: false };
}

/** A number (a score, a firm count); "—" when suppressed. */
export function numberCell(n: number | null | undefined, digits = 1): Cell {
  return n === null || n === undefined ? hidden : { text: num(n, digits), suppressed: false };
}

/** One row of a results table: a group of one split. */
export interface TableRow {
  dimension: string;
  group: string;
  cells: Cell[];
}

/** A question's table: per group of each split, the firms that answered, then each answer's count and share. */
export function questionRows(q: QuestionTable): TableRow[] {
  return q.splits.flatMap((s) =>
    s.rows.map((r) => ({
      dimension: s.dimension,
      group: r.group,
      cells: [numberCell(r.answered, 0), ...q.columns.map((_, i) => countCell(r.counts[i] ?? null, r.shares[i] ?? null))],
    })),
  );
}

/** A score's table: per group of each split, n, mean, first quartile, median, third quartile. */
export function scoreRows(t: ScoreTable): TableRow[] {
  return t.splits.flatMap((s) =>
    s.rows.map((r) => ({
      dimension: s.dimension,
      group: r.group,
      cells: r.suppressed ? [hidden, hidden, hidden, hidden, hidden] : [numberCell(r.n, 0), numberCell(r.mean), numberCell(r.q1), numberCell(r.median), numberCell(r.q3)],
    })),
  );
}

/** Whether any cell of the rows is suppressed. */
export function anySuppressed(rows: TableRow[]): boolean {
  return rows.some((r) => r.cells.some((c) => c.suppressed));
}

/** The size bands the chart compares, in order: SMEs (small-scale firms included) and large firms. */
export const CHART_BANDS = ['sme', 'large'] as const;

/** Each answer's share among the SMEs and among the large firms, null where suppressed or absent. */
export function bandShares(q: QuestionTable): { group: (typeof CHART_BANDS)[number]; shares: (number | null)[] }[] {
  const rows = q.splits.find((s) => s.dimension === 'size_band')?.rows ?? [];
  return CHART_BANDS.map((group) => {
    const r = rows.find((x) => x.group === group);
    return { group, shares: q.columns.map((_, i) => r?.shares[i] ?? null) };
  });
}

/** The value of a filter in the selector: "sector:manufacturing", or "" for the whole campaign. */
export function filterValue(f: Filter | null): string {
  return f ? `${f.dimension}:${f.group}` : '';
}

/** The filter a selector value names, if the API offers it; otherwise the whole campaign. */
export function parseFilter(value: string, offered: Filter[]): Filter | null {
  return offered.find((f) => filterValue(f) === value) ?? null;
}

import { describe, expect, it } from 'vitest';
import { anySuppressed, bandShares, countCell, filterValue, HIDDEN, parseFilter, type QuestionTable, questionRows, type ScoreTable, scoreRows } from './aggregate';

// Two firms in a campaign of k = 5: what the API answers (internal/scoring: every cell null).
const suppressed: QuestionTable = {
  question: 'gov_accountable_person',
  type: 'scale',
  columns: ['0', '1', '2', '3', '4', 'dont_know'],
  splits: [
    { dimension: 'all', rows: [{ group: 'all', answered: null, counts: [null, null, null, null, null, null], shares: [null, null, null, null, null, null] }] },
    { dimension: 'size_band', rows: [{ group: 'sme', answered: null, counts: [null, null, null, null, null, null], shares: [null, null, null, null, null, null] }] },
  ],
};

const mixed: QuestionTable = {
  question: 'prof_listed',
  type: 'single',
  columns: ['yes', 'no'],
  splits: [
    { dimension: 'all', rows: [{ group: 'all', answered: 12, counts: [0, 12], shares: [0, 100] }] },
    {
      dimension: 'size_band',
      rows: [
        { group: 'large', answered: null, counts: [null, null], shares: [null, null] },
        { group: 'sme', answered: 9, counts: [0, 9], shares: [0, 100] },
      ],
    },
  ],
};

describe('results tables', () => {
  it('shows a suppressed cell as a dash, never as 0', () => {
    expect(countCell(null, null)).toEqual({ text: HIDDEN, suppressed: true });
    expect(countCell(0, 0)).toEqual({ text: '0 (0%)', suppressed: false });
    expect(countCell(12, 40)).toEqual({ text: '12 (40%)', suppressed: false });
  });

  it('suppresses every cell of a campaign with fewer than k firms', () => {
    const rows = questionRows(suppressed);
    expect(rows.map((r) => [r.dimension, r.group])).toEqual([['all', 'all'], ['size_band', 'sme']]);
    for (const r of rows) {
      expect(r.cells).toHaveLength(7); // answered + six answers
      expect(r.cells.every((c) => c.suppressed && c.text === HIDDEN)).toBe(true);
    }
    expect(anySuppressed(rows)).toBe(true);
  });

  it('keeps shown cells and true zeros apart from suppressed ones', () => {
    const rows = questionRows(mixed);
    expect(rows[0].cells.map((c) => c.text)).toEqual(['12', '0 (0%)', '12 (100%)']);
    expect(rows[1].cells.map((c) => c.suppressed)).toEqual([true, true, true]);
    expect(rows[2].cells.map((c) => c.text)).toEqual(['9', '0 (0%)', '9 (100%)']);
    expect(anySuppressed(rows.slice(0, 1))).toBe(false);
  });

  it('hides a suppressed score distribution whole', () => {
    const t: ScoreTable = {
      metric: 'overall',
      splits: [{ dimension: 'all', rows: [{ group: 'all', suppressed: true, n: null }, { group: 'x', n: 7, mean: 41.25, q1: 30, median: 40, q3: 55.5 }] }],
    };
    const rows = scoreRows(t);
    expect(rows[0].cells.map((c) => c.text)).toEqual([HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]);
    expect(rows[1].cells.map((c) => c.text)).toEqual(['7', '41.3', '30', '40', '55.5']);
  });

  it('charts SMEs against large firms, a suppressed or absent band as gaps', () => {
    expect(bandShares(mixed)).toEqual([
      { group: 'sme', shares: [0, 100] },
      { group: 'large', shares: [null, null] },
    ]);
    expect(bandShares(suppressed).every((b) => b.shares.every((s) => s === null))).toBe(true);
  });

  it('offers only the filters the API lists', () => {
    const offered = [{ dimension: 'sector' as const, group: 'manufacturing' }];
    expect(filterValue(offered[0])).toBe('sector:manufacturing');
    expect(parseFilter('sector:manufacturing', offered)).toEqual(offered[0]);
    expect(parseFilter('prefecture:JP-13', offered)).toBeNull();
    expect(parseFilter('', offered)).toBeNull();
  });
});

// The dashboard's results: the answers to one question by group (the whole campaign, size
// band, sector, prefecture), with a bar chart of SMEs against large firms; one score's
// distribution by group; the views the API offers (a sector or a prefecture); the downloads.
// The API suppresses every cell of fewer than k firms: such a cell reads "—", never 0, and the
// page says why.

import { type Aggregate, anySuppressed, bandShares, type Cell, type Filter, filterValue, parseFilter, type QuestionTable, questionRows, scoreRows, type TableRow } from '../../aggregate';
import { h, replace, uid } from '../../dom';
import { locale, num, t, type Key } from '../../i18n';
import type { Labeller } from '../../labels';
import type { App } from '../../main';
import { type Campaign, download, type Results, results as getResults } from '../../staffapi';
import { labelWidth, wrap } from '../../wrap';
import { card, dataTable, downloadButton, failed, session } from './shell';

/** What the staff member chose; kept through a change of language. */
export interface ResultsView {
  filter: Filter | null;
  question: string;
  metric: string;
}

const COLOR_SME = '#1d4ed8';
const COLOR_LARGE = '#a15c07';
const SCORE_COLS: Key[] = ['staff.results.n', 'staff.results.mean', 'staff.results.q1', 'staff.results.median', 'staff.results.q3'];

function td(c: Cell): HTMLElement {
  if (!c.suppressed) return h('td', { class: 'num' }, c.text);
  return h('td', { class: 'num cell--suppressed', 'data-suppressed': '' }, h('span', { 'aria-hidden': 'true' }, c.text), h('span', { class: 'visually-hidden' }, t('staff.results.suppressed_cell')));
}

/** "Sector: Manufacturing"; the whole campaign by its name alone. */
function groupName(labels: Labeller, dimension: string, group: string): string {
  return dimension === 'all' ? labels.group('all', group) : `${labels.dimension(dimension)}: ${labels.group(dimension, group)}`;
}

/** A results table: a row per group, the columns given. */
function table(testid: string, caption: string, columns: string[], rows: TableRow[], labels: Labeller): HTMLElement {
  const body = rows.map((r) => h('tr', { 'data-dimension': r.dimension, 'data-group': r.group }, h('th', { scope: 'row' }, groupName(labels, r.dimension, r.group)), r.cells.map(td)));
  return dataTable(testid, caption, [t('staff.results.group'), ...columns.map((text) => ({ text, num: true as const }))], body, { className: 'table--results' });
}

function note(k: number): HTMLElement {
  return h('p', { class: 'note suppression-note', 'data-testid': 'results-suppressed-note' }, t('staff.results.suppressed_note', { k }));
}

function select(id: string, testid: string, label: string, options: (HTMLOptionElement | HTMLOptGroupElement)[], value: string, onChange: (v: string) => void): HTMLElement {
  const s = h('select', { id, class: 'select select--wide', 'data-testid': testid }, options);
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return h('div', { class: 'field' }, h('label', { for: id }, label), s);
}

const option = (value: string, text: string) => h('option', { value }, text.length > 90 ? text.slice(0, 88) + '…' : text);

/** The chart of the shares of each answer among SMEs and large firms; a sentence instead when all are suppressed. */
function chart(q: QuestionTable, labels: Labeller, k: number, onRemove: (fn: () => void) => void): HTMLElement {
  const bands = bandShares(q);
  if (bands.every((b) => b.shares.every((x) => x === null))) return h('p', { class: 'note', 'data-testid': 'results-chart-none' }, t('staff.results.chart_none', { k }));
  const canvas = h('canvas', { role: 'img', 'aria-label': t('staff.results.chart_label'), 'data-testid': 'results-chart' });
  const box = h('div', { class: 'chart chart--two' }, canvas);
  const width = labelWidth();
  const names = q.columns.map((c) => wrap(labels.column(q.question, c), width));
  queueMicrotask(async () => {
    const { barChart } = await import('../../chart');
    const colors = [COLOR_SME, COLOR_LARGE];
    const series = bands.map((b, i) => ({ label: labels.group('size_band', b.group), data: b.shares, color: colors[i] }));
    if (canvas.isConnected) onRemove(barChart(canvas, names, series, locale(), '%'));
  });
  return box;
}

function questionBlock(q: QuestionTable, agg: Aggregate, labels: Labeller, onRemove: (fn: () => void) => void): HTMLElement {
  const rows = questionRows(q);
  if (!rows.length) return h('p', { 'data-testid': 'results-empty' }, t('staff.results.none'));
  const levels = labels.levels(q.question);
  return h(
    'div',
    { class: 'results-question' },
    h('h3', {}, labels.question(q.question)),
    chart(q, labels, agg.k, onRemove),
    table('results-table', t('staff.results.table_caption'), [t('staff.results.answered'), ...q.columns.map((c) => labels.column(q.question, c))], rows, labels),
    anySuppressed(rows) ? note(agg.k) : null,
    levels.length
      ? h('div', { class: 'legend' }, h('p', { class: 'small' }, t('staff.results.levels')), h('ul', { class: 'small' }, levels.map((l, i) => h('li', {}, `${t('staff.level', { n: i })}: ${l}`))))
      : null,
  );
}

function scoreBlock(agg: Aggregate, labels: Labeller, view: ResultsView): HTMLElement {
  const body = h('div', {});
  const draw = () => {
    const s = agg.scores.find((x) => x.metric === view.metric) ?? agg.scores[0];
    if (!s) return replace(body);
    const rows = scoreRows(s);
    replace(body, rows.length ? table('results-scores', t('staff.results.scores_caption', { metric: labels.metric(s.metric) }), SCORE_COLS.map((k) => t(k)), rows, labels) : null, anySuppressed(rows) ? note(agg.k) : null);
  };
  draw();
  const metrics = agg.scores.map((s) => option(s.metric, labels.metric(s.metric)));
  return h(
    'div',
    { class: 'results-scores' },
    h('h3', {}, t('staff.results.scores')),
    select(uid('metric'), 'results-metric', t('staff.results.metric'), metrics, view.metric, (v) => {
      view.metric = v;
      draw();
    }),
    body,
  );
}

function exportsBlock(app: App, camp: Campaign, view: ResultsView): HTMLElement {
  const status = h('p', { role: 'status', class: 'small', 'data-testid': 'export-status' });
  const q = () => (view.filter ? { [view.filter.dimension]: view.filter.group } : {});
  const b = (testid: string, label: Key, file: string, query: () => Record<string, string>) => downloadButton(app, testid, t(label), status, () => download(session, camp.id, file, query()));
  return h(
    'div',
    { class: 'results-exports' },
    h('h3', {}, t('staff.export.title')),
    h('p', {}, t('staff.export.text')),
    h(
      'div',
      { class: 'actions' },
      b('export-answers-csv', 'staff.export.answers_csv', 'results.csv', () => ({ ...q(), table: 'answers' })),
      b('export-scores-csv', 'staff.export.scores_csv', 'results.csv', () => ({ ...q(), table: 'scores' })),
      b('export-xlsx', 'staff.export.xlsx', 'results.xlsx', q),
    ),
    h('p', {}, t('staff.export.responses_text')),
    h('div', { class: 'actions' }, b('export-responses', 'staff.export.responses', 'responses.csv', () => ({}))),
    status,
  );
}

function questionOptions(agg: Aggregate, labels: Labeller): HTMLOptGroupElement[] {
  const have = new Set(agg.questions.map((q) => q.question));
  return labels
    .sections()
    .map((s) => ({ ...s, questions: s.questions.filter((q) => have.has(q.id)) }))
    .filter((s) => s.questions.length)
    .map((s) => h('optgroup', { label: s.title }, s.questions.map((q) => option(q.id, q.text))));
}

/** The card: loads the results of the view's filter and draws them; leave removes the chart. */
export function resultsCard(app: App, camp: Campaign, labels: Labeller, view: ResultsView): { element: HTMLElement; leave: () => void } {
  const body = h('div', {}, h('p', { role: 'status' }, t('staff.results.loading')));
  let removeChart: (() => void) | null = null;
  const onRemove = (fn: () => void) => {
    removeChart?.();
    removeChart = fn;
  };

  function draw(res: Results): void {
    const agg = res.aggregate;
    if (!agg.questions.some((q) => q.question === view.question)) view.question = agg.questions[0]?.question ?? '';
    const slot = h('div', {});
    const drawQuestion = () => {
      removeChart?.();
      removeChart = null;
      const q = agg.questions.find((x) => x.question === view.question);
      replace(slot, q ? questionBlock(q, agg, labels, onRemove) : null);
    };
    const filters = [option('', t('staff.results.all_firms')), ...res.filters.map((f) => option(filterValue(f), groupName(labels, f.dimension, f.group)))];
    replace(
      body,
      h('p', { 'data-testid': 'results-intro' }, t('staff.results.intro', { n: num(agg.n, 0), k: agg.k })),
      select(uid('filter'), 'results-filter', t('staff.results.filter'), filters, filterValue(view.filter), (v) => {
        view.filter = parseFilter(v, res.filters);
        void load(true);
      }),
      res.filters.length ? null : h('p', { class: 'small', 'data-testid': 'results-no-filters' }, t('staff.results.no_filters', { k: agg.k })),
      select(uid('question'), 'results-question', t('staff.results.question'), questionOptions(agg, labels), view.question, (v) => {
        view.question = v;
        drawQuestion();
      }),
      slot,
      scoreBlock(agg, labels, view),
      exportsBlock(app, camp, view),
    );
    drawQuestion();
  }

  /** Loads and draws the results of the view; refocus puts the focus back on the filter it came from. */
  async function load(refocus = false): Promise<void> {
    try {
      draw(await getResults(session, camp.id, view.filter));
      if (refocus) body.querySelector<HTMLElement>('[data-testid=results-filter]')?.focus();
    } catch (e) {
      if (view.filter) {
        // The view is no longer offered (e.g. too few firms after all): back to the whole campaign.
        view.filter = null;
        failed(app, 'results', e);
        return load();
      }
      replace(body);
      failed(app, 'results', e);
    }
  }

  void load();
  return { element: card('staff-results', t('staff.results.title'), body), leave: () => removeChart?.() };
}

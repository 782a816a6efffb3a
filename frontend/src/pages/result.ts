// The result of a submitted assessment: overall score and maturity level, the domain scores
// against the peer median (chart and table), progress since the previous assessment, exposure,
// first steps, the full checklist with filters, downloads, re-assessment and deletion.

import { ApiError, type ChecklistItem, createAssessment, download, errorText, getAssessment, type Result, result as fetchResult, setConsent } from '../api';
import { h, replace, saveBlob, uid } from '../dom';
import { countryName, date, lang, locale, num, pct, t, tx, type Key } from '../i18n';
import type { App, Page } from '../main';
import { notify } from '../notices';
import * as storage from '../storage';
import { labelWidth, wrap } from '../wrap';
import { deleteButton } from './delete';

let kept: Result | null = null;

/** Keeps a result just received (from submit) so the results page need not fetch it again. */
export function keepResult(r: Result): void {
  kept = r;
}

const STATUSES = ['todo', 'partial', 'done', 'na'] as const;
const PRIORITIES = ['high', 'medium', 'low'] as const;
const COLOR_FIRM = '#1d4ed8';
const COLOR_PEERS = '#6b7280';
const COLOR_BEFORE = '#93c5fd';

function score(n: number | null | undefined): string {
  return n === null || n === undefined ? t('result.no_score') : num(n);
}

function badge(kind: string, value: string, text: string): HTMLElement {
  return h('span', { class: `badge badge--${kind}-${value}` }, text);
}

export function resultPage(app: App): Page {
  let res: Result | null = null;
  let cred: storage.Stored | undefined;
  let main: HTMLElement;
  let removeChart: (() => void) | null = null;
  // State that survives a change of language.
  let statusFilter = '';
  let priorityFilter = '';
  let firm = '';
  // Inside a chamber campaign: whether the firm lets the chamber see its answers (null outside one).
  let consent: boolean | null = null;
  const consentSlot = h('div', {});

  function section(testid: string, title: string, ...children: (Node | null)[]): HTMLElement {
    const id = uid('h');
    return h('section', { class: 'card', 'data-testid': testid, 'aria-labelledby': id }, h('h2', { id }, title), ...children);
  }

  function overall(r: Result): HTMLElement {
    const b = r.benchmark;
    const standing =
      b.source === 'peers' && b.overall?.quarter && b.cohort
        ? h(
            'p',
            { 'data-testid': 'result-standing' },
            t('result.standing', {
              quarter: t(`result.quarter.${b.overall.quarter}` as Key),
              n: b.overall.firms.label,
              cohort: tx(b.cohort.label),
              median: num(b.overall.median),
            }),
          )
        : h('p', { 'data-testid': 'result-standing' }, t('result.standing_none', { k: b.k ?? 10 }));
    return section(
      'result-overall',
      t('result.overall'),
      h(
        'div',
        { class: 'score-row' },
        h('p', { class: 'score' }, h('span', { class: 'score__value', 'data-testid': 'result-score' }, score(r.overall.score)), h('span', { class: 'score__max' }, ' / 100')),
        h(
          'div',
          { class: 'level', 'data-testid': 'result-level' },
          h('p', { class: 'level__name' }, t('result.level', { level: r.overall.level, name: t(`level.${r.overall.level}` as Key) })),
          h('p', { class: 'level__text' }, tx(r.overall.description)),
        ),
      ),
      r.overall.capped ? h('p', { class: 'note' }, t('result.capped')) : null,
      standing,
    );
  }

  function domains(r: Result): HTMLElement {
    const peers = new Map<string, number>();
    if (r.benchmark.source === 'peers') for (const d of r.benchmark.domains ?? []) if (d.standing) peers.set(d.id, d.standing.median);
    // A re-assessment also shows the previous scores.
    const before = new Map<string, number>();
    for (const d of r.progress?.domains ?? []) if (typeof d.previous === 'number') before.set(d.id, d.previous);
    const titles = r.domains.map((d) => tx(d.title) || d.id);
    const canvas = h('canvas', { role: 'img', 'aria-label': t('result.chart_label'), 'data-testid': 'result-domains-chart' });
    const chartBox = h('div', { class: 'chart', style: null }, canvas);
    const rows = r.domains.map((d, i) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, titles[i]),
        h('td', { class: 'num' }, score(d.score), d.insufficient_coverage ? h('span', { class: 'note' }, ' ', t('result.insufficient')) : null),
        peers.size ? h('td', { class: 'num' }, peers.has(d.id) ? num(peers.get(d.id)!) : '—') : null,
      ),
    );
    const table = h(
      'table',
      { class: 'table', 'data-testid': 'result-domains-table' },
      h('caption', { class: 'visually-hidden' }, peers.size ? t('result.domains_caption') : t('result.domains')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('result.domain')), h('th', { scope: 'col', class: 'num' }, t('result.your_score')), peers.size ? h('th', { scope: 'col', class: 'num' }, t('result.peer_median')) : null)),
      h('tbody', {}, rows),
    );
    const published =
      r.benchmark.source === 'published' && r.benchmark.published?.length
        ? h(
            'div',
            { class: 'published', 'data-testid': 'result-benchmark' },
            h('h3', {}, t('result.published')),
            h('p', {}, t('result.published_intro', { k: r.benchmark.k ?? 10 })),
            h('ul', {}, r.benchmark.published.map((p) => h('li', {}, tx(p.text), ' ', h('span', { class: 'source' }, `(${p.source})`)))),
          )
        : null;
    const sec = section('result-domains', t('result.domains'), h('p', {}, peers.size ? t('result.domains_intro_peers') : t('result.domains_intro')), chartBox, table, published);
    // The chart is drawn once the section is in the page (Chart.js measures its box).
    queueMicrotask(async () => {
      const { barChart } = await import('../chart');
      removeChart?.();
      const width = labelWidth();
      const series = [{ label: t('result.your_score'), data: r.domains.map((d) => d.score), color: COLOR_FIRM }];
      if (peers.size) series.push({ label: t('result.peer_median'), data: r.domains.map((d) => peers.get(d.id) ?? null), color: COLOR_PEERS });
      if (before.size) series.push({ label: t('result.previous_score'), data: r.domains.map((d) => before.get(d.id) ?? null), color: COLOR_BEFORE });
      chartBox.classList.toggle('chart--two', series.length > 1);
      if (canvas.isConnected) removeChart = barChart(canvas, titles.map((x) => wrap(x, width)).map((l) => (l.length === 1 ? l[0] : l)) as string[], series, locale());
    });
    return sec;
  }

  function progress(r: Result): HTMLElement | null {
    const p = r.progress;
    if (!p) return null;
    const delta = (d: number | null) => (d === null ? '—' : (d > 0 ? '+' : d < 0 ? '−' : '±') + num(Math.abs(d)));
    const row = (title: string, c: { previous: number | null; current: number | null; delta: number | null }) =>
      h('tr', {}, h('th', { scope: 'row' }, title), h('td', { class: 'num' }, score(c.previous)), h('td', { class: 'num' }, score(c.current)), h('td', { class: 'num' }, delta(c.delta)));
    return section(
      'result-progress',
      t('result.progress'),
      h('p', {}, p.previous_submitted_at ? t('result.progress_intro', { date: date(p.previous_submitted_at) }) : t('result.progress_intro_nodate')),
      p.previous_level && p.level ? h('p', { 'data-testid': 'result-progress-level' }, t('result.progress_level', { before: p.previous_level, now: p.level })) : null,
      p.previous_scoring_version !== p.scoring_version ? h('p', { class: 'note' }, t('result.progress_versions', { before: p.previous_scoring_version, now: p.scoring_version })) : null,
      h(
        'table',
        { class: 'table', 'data-testid': 'result-progress-table' },
        h('caption', { class: 'visually-hidden' }, t('result.progress')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('result.domain')), h('th', { scope: 'col', class: 'num' }, t('result.before')), h('th', { scope: 'col', class: 'num' }, t('result.now')), h('th', { scope: 'col', class: 'num' }, t('result.change')))),
        h('tbody', {}, row(t('result.overall'), p.overall), p.domains.map((d) => row(tx(d.title) || d.id, d))),
      ),
    );
  }

  function exposure(r: Result): HTMLElement {
    const e = r.exposure;
    const materials = e.materials.length
      ? h(
          'table',
          { class: 'table', 'data-testid': 'result-materials' },
          h('caption', {}, t('result.materials')),
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, t('result.material')), h('th', { scope: 'col', class: 'num' }, t('result.foreign_share')), h('th', { scope: 'col' }, t('result.top_supplier')), h('th', { scope: 'col', class: 'num' }, t('result.hhi'))),
          ),
          h(
            'tbody',
            {},
            e.materials.map((m) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, tx(m.label) || m.id),
                h('td', { class: 'num' }, typeof m.foreign_share === 'number' ? pct(m.foreign_share) : '—'),
                h('td', {}, m.top_country ? `${countryName(m.top_country)} ${pct(m.top_share)}` : '—'),
                h('td', { class: 'num' }, num(m.hhi, 0), m.concentration ? h('span', { class: 'note' }, ' ', t(`concentration.${m.concentration}` as Key)) : null),
              ),
            ),
          ),
        )
      : h('p', {}, t('result.no_materials'));
    const china: string[] = [];
    if (typeof e.china_procurement_share === 'number') china.push(t('result.china_procurement', { share: pct(e.china_procurement_share) }));
    if (typeof e.china_sales_share === 'number') china.push(t('result.china_sales', { share: pct(e.china_sales_share) }));
    return section(
      'result-exposure',
      t('result.exposure'),
      h('p', {}, t('result.exposure_level'), ' ', badge('exposure', e.level, t(`exposure.${e.level}` as Key))),
      h('p', { class: 'small' }, t('result.exposure_intro')),
      e.reasons?.length ? h('ul', { class: 'reasons' }, e.reasons.map((x) => h('li', {}, tx(x)))) : null,
      china.length ? h('p', {}, china.join(' ')) : null,
      materials,
      e.materials.length ? h('p', { class: 'small' }, t('result.hhi_help')) : null,
    );
  }

  function itemBody(it: ChecklistItem, level: 'h3' | 'h4', folded = false): (Node | null)[] {
    const facts = [
      it.owner_label ? t('item.owner', { owner: tx(it.owner_label) }) : '',
      it.horizon_days ? t('item.horizon', { days: it.horizon_days }) : '',
      it.effort ? t(`effort.${it.effort}` as Key) : '',
    ].filter(Boolean);
    return [
      h(level, { class: 'item__title' }, tx(it.title) || it.id),
      h(
        'p',
        { class: 'item__badges' },
        badge('status', it.status, t(`status.${it.status}` as Key)),
        ' ',
        badge('priority', it.priority, t('item.priority', { priority: t(`priority.${it.priority}` as Key) })),
        it.find_out ? ' ' : null,
        it.find_out ? badge('status', 'find_out', t('item.find_out')) : null,
      ),
      h('p', { class: 'item__reason' }, tx(it.reason)),
      it.action && !folded ? h('p', { class: 'item__action' }, tx(it.action)) : null,
      it.action && folded ? h('details', { class: 'item__more' }, h('summary', {}, t('item.what_to_do')), h('p', { class: 'item__action' }, tx(it.action))) : null,
      facts.length ? h('p', { class: 'item__facts small' }, facts.join(' · ')) : null,
    ];
  }

  function firstSteps(r: Result): HTMLElement | null {
    const steps = r.checklist?.first_steps ?? [];
    return section(
      'result-first-steps',
      t('result.first_steps'),
      steps.length
        ? h('ol', { class: 'steps' }, steps.map((it) => h('li', { class: 'item', 'data-testid': 'first-step', 'data-id': it.id }, ...itemBody(it, 'h3'))))
        : h('p', {}, t('result.no_first_steps')),
    );
  }

  function checklist(r: Result): HTMLElement | null {
    const cl = r.checklist;
    if (!cl) return null;
    const byId = new Map(cl.items.map((i) => [i.id, i]));
    const groups = cl.groups?.length
      ? cl.groups.map((g) => ({ title: tx(g.title), items: g.items.map((id) => byId.get(id)).filter((x): x is ChecklistItem => !!x) }))
      : [{ title: '', items: cl.items }];
    const statusSel = h(
      'select',
      { id: 'filter-status', class: 'select', 'data-testid': 'filter-status' },
      h('option', { value: '' }, t('filter.all')),
      STATUSES.map((s) => h('option', { value: s }, t(`status.${s}` as Key))),
    );
    const prioSel = h(
      'select',
      { id: 'filter-priority', class: 'select', 'data-testid': 'filter-priority' },
      h('option', { value: '' }, t('filter.all')),
      PRIORITIES.map((p) => h('option', { value: p }, t(`priority.${p}` as Key))),
    );
    statusSel.value = statusFilter;
    prioSel.value = priorityFilter;
    const count = h('p', { role: 'status', class: 'count', 'data-testid': 'checklist-count' });
    const list = h('div', { class: 'checklist' });
    const draw = () => {
      statusFilter = statusSel.value;
      priorityFilter = prioSel.value;
      const keep = (i: ChecklistItem) => (!statusFilter || i.status === statusFilter) && (!priorityFilter || i.priority === priorityFilter);
      let shown = 0;
      replace(
        list,
        groups.map((g) => {
          const items = g.items.filter(keep);
          shown += items.length;
          if (!items.length) return null;
          return h(
            'div',
            { class: 'checklist__group' },
            g.title ? h('h3', {}, g.title) : null,
            h('ul', { class: 'items' }, items.map((it) => h('li', { class: 'item', 'data-testid': 'checklist-item', 'data-id': it.id, 'data-status': it.status, 'data-priority': it.priority }, ...itemBody(it, 'h4', true)))),
          );
        }),
      );
      count.textContent = t('filter.count', { shown, total: cl.items.length });
    };
    statusSel.addEventListener('change', draw);
    prioSel.addEventListener('change', draw);
    draw();
    return section(
      'result-checklist',
      t('result.checklist'),
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': t('filter.label') },
        h('div', { class: 'field' }, h('label', { for: 'filter-status' }, t('filter.status')), statusSel),
        h('div', { class: 'field' }, h('label', { for: 'filter-priority' }, t('filter.priority')), prioSel),
      ),
      count,
      list,
    );
  }

  function downloads(): HTMLElement {
    const input = h('input', { id: 'firm-name', type: 'text', class: 'input', maxlength: '100', autocomplete: 'organization', 'data-testid': 'firm-name', value: firm, 'aria-describedby': 'firm-name-help' });
    input.addEventListener('input', () => (firm = input.value));
    const status = h('p', { role: 'status', class: 'small', 'data-testid': 'download-status' });
    const button = (testid: string, label: string, file: string, query: () => Record<string, string>, withFirm = false) => {
      const b = h('button', { type: 'button', class: 'button', 'data-testid': testid }, label);
      b.addEventListener('click', async () => {
        if (!cred) return;
        b.disabled = true;
        status.textContent = t('download.preparing');
        try {
          const { blob, name } = await download(cred, file, query(), withFirm ? firm.trim() : '');
          saveBlob(blob, name);
          status.textContent = t('download.done', { name });
        } catch (e) {
          status.textContent = '';
          notify('download', { kind: 'error', text: errorText(e) });
        } finally {
          b.disabled = false;
        }
      });
      return b;
    };
    const pdf = (l: string) => () => ({ lang: l });
    return section(
      'result-downloads',
      t('result.downloads'),
      h('div', { class: 'field' }, h('label', { for: 'firm-name' }, t('download.firm')), input, h('p', { id: 'firm-name-help', class: 'small' }, t('download.firm_help'))),
      h(
        'div',
        { class: 'actions' },
        button('download-pdf-ja', t('download.pdf_ja'), 'report.pdf', pdf('ja'), true),
        button('download-pdf-en', t('download.pdf_en'), 'report.pdf', pdf('en'), true),
        button('download-xlsx', t('download.xlsx'), 'checklist.xlsx', () => ({ lang: lang() })),
      ),
      status,
    );
  }

  /** The firm's consent inside a campaign, with the button that changes it. */
  function drawConsent(focus = false): void {
    if (consent === null || !cred) return replace(consentSlot);
    const c = cred;
    const yes = consent;
    const chamber = tx(c.campaign?.chamber) || t('consent.the_chamber');
    const b = h('button', { type: 'button', class: 'button', 'data-testid': 'consent-toggle' }, yes ? t('consent.withdraw') : t('consent.give', { chamber }));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await setConsent(c, !yes);
        consent = !yes;
        notify('consent', { kind: 'success', text: consent ? t('consent.given', { chamber }) : t('consent.withdrawn', { chamber }) });
        drawConsent(true);
      } catch (e) {
        b.disabled = false;
        notify('consent', { kind: 'error', text: errorText(e) });
      }
    });
    replace(
      consentSlot,
      section(
        'result-consent',
        t('consent.heading'),
        h('p', { 'data-testid': 'consent-state', 'data-consent': String(yes) }, yes ? t('consent.state_yes', { chamber }) : t('consent.state_no', { chamber })),
        h('p', { class: 'small' }, t('consent.explain', { chamber })),
        b,
      ),
    );
    if (focus) b.focus();
  }

  function next(): HTMLElement {
    const b = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'reassess-button' }, t('reassess.button'));
    b.addEventListener('click', async () => {
      if (!cred) return;
      b.disabled = true;
      try {
        const c = await createAssessment(lang(), cred);
        // A re-assessment opens on the first page: every answer is there to review.
        storage.adopt(c, 0);
        app.navigate('/survey');
      } catch (e) {
        notify('reassess', { kind: 'error', text: errorText(e) });
      } finally {
        b.disabled = false;
      }
    });
    return section('result-next', t('reassess.heading'), h('p', {}, t('reassess.text')), b);
  }

  function draw(): void {
    if (!res || !cred) return;
    removeChart?.();
    removeChart = null;
    drawConsent();
    const r = res;
    const band = t(`band.${r.size_band}` as Key);
    main.replaceChildren(
      h(
        'div',
        { class: 'page page--result' },
        h('h1', { tabindex: '-1' }, t('result.title')),
        h(
          'p',
          { class: 'lead', 'data-testid': 'result-meta' },
          [
            r.submitted_at ? t('result.submitted', { date: date(r.submitted_at) }) : '',
            t('result.size', { band }),
            r.sector_label ? t('result.sector', { sector: tx(r.sector_label) }) : '',
          ]
            .filter(Boolean)
            .join(lang() === 'ja' ? '' : ' '), // Japanese sentences follow one another without a space
        ),
        overall(r),
        consentSlot,
        progress(r),
        domains(r),
        exposure(r),
        firstSteps(r),
        downloads(),
        checklist(r),
        next(),
        deleteButton(app, cred),
      ),
    );
  }

  return {
    async render(el) {
      main = el;
      app.title(t('result.title'));
      cred = storage.current();
      if (!cred) return app.navigate('/', true);
      const c = cred;
      // Inside a chamber campaign, the firm's consent (the result does not say).
      void getAssessment(c)
        .then((a) => {
          consent = a.campaign_id ? (a.consent ?? false) : null;
          drawConsent();
        })
        .catch(() => undefined);
      if (kept && kept.id === cred.id) {
        res = kept;
      } else {
        main.append(h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, t('result.title')), h('p', { role: 'status' }, t('result.loading'))));
        try {
          res = await fetchResult(cred);
          kept = res;
        } catch (e) {
          if (e instanceof ApiError && e.code === 'not_submitted') {
            storage.patch(cred.id, { status: 'draft' });
            return app.navigate('/survey', true);
          }
          if (e instanceof ApiError && e.status === 404) {
            storage.forget(cred.id);
            notify('gone', { kind: 'error', text: t('save.gone_notice'), survive: true });
            return app.navigate('/', true);
          }
          notify('load', { kind: 'error', text: t('error.network'), actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: () => app.navigate('/result', true) }] });
          return;
        }
      }
      draw();
    },
    setLang() {
      app.title(t('result.title'));
      draw();
    },
    leave() {
      removeChart?.();
    },
  };
}

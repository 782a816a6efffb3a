// /staff/campaigns/:id: a campaign's dashboard. The response rate overall and by size and
// sector (as the invitations file declared them), the firms yet to answer, inviting firms
// (upload, mail-merge file, open link), and the results (results.ts).

import { type Definition, definition } from '../../api';
import { h } from '../../dom';
import { num, pct, t, tx } from '../../i18n';
import { labeller, type Labeller } from '../../labels';
import type { App, Page } from '../../main';
import type { StaffUser } from '../../session';
import { type Campaign, campaign as getCampaign, type Count, type Progress, progress as getProgress } from '../../staffapi';
import { periodText, rateText, statusBadge } from './campaigns';
import { inviteCard, type InviteState } from './invitations';
import { resultsCard, type ResultsView } from './results';
import { card, dataTable, failed, notFound, session, signedIn, staffNav, staffPage } from './shell';

function countTable(testid: string, caption: string, rows: Count[], name: (group: string) => string): HTMLElement {
  const cols = (['staff.progress.invited', 'staff.progress.started', 'staff.progress.submitted', 'staff.progress.rate'] as const).map((k) => ({ text: t(k), num: true as const }));
  const body = rows.map((r) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, name(r.group ?? '')),
      [r.invited, r.started, r.submitted].map((n) => h('td', { class: 'num' }, num(n, 0))),
      h('td', { class: 'num' }, r.rate === null ? '—' : pct(r.rate)),
    ),
  );
  return dataTable(testid, caption, [t('staff.progress.group'), ...cols], body);
}

function progressCard(p: Progress, labels: Labeller): HTMLElement {
  return card(
    'staff-progress',
    t('staff.progress.title'),
    h('p', { class: 'big-figure', 'data-testid': 'progress-total' }, rateText(p.total)),
    h('p', {}, t('staff.progress.started_line', { started: num(p.total.started, 0) })),
    p.by_size.length ? countTable('progress-by-size', t('staff.progress.by_size'), p.by_size, (g) => labels.declaredBand(g)) : null,
    p.by_sector.length ? countTable('progress-by-sector', t('staff.progress.by_sector'), p.by_sector, (g) => labels.sector(g)) : null,
    h('p', { 'data-testid': 'progress-open-link' }, t('staff.progress.open_link', { started: num(p.open_link_started, 0), submitted: num(p.open_link_submitted, 0) })),
    h('p', { 'data-testid': 'progress-consenting' }, t('staff.progress.consenting', { n: num(p.consenting, 0) })),
    h('p', { class: 'small' }, t('staff.progress.note')),
  );
}

function pendingCard(p: Progress, labels: Labeller): HTMLElement {
  const head = (['staff.pending.firm', 'staff.pending.email', 'staff.pending.size', 'staff.pending.sector', 'staff.pending.state'] as const).map((k) => t(k));
  const rows = p.pending.map((f) =>
    h(
      'tr',
      { 'data-testid': 'pending-firm' },
      h('th', { scope: 'row' }, f.firm),
      h('td', {}, f.email),
      h('td', {}, f.size_band ? labels.declaredBand(f.size_band) : '—'),
      h('td', {}, f.sector ? labels.sector(f.sector) : '—'),
      h('td', {}, f.started ? t('staff.pending.started') : t('staff.pending.not_started')),
    ),
  );
  const body = rows.length
    ? dataTable('pending-table', t('staff.pending.title'), head, rows, { hidden: true })
    : h('p', { 'data-testid': 'pending-none' }, p.total.invited ? t('staff.pending.none') : t('staff.pending.no_invitations'));
  return card('staff-pending', t('staff.pending.title'), body);
}

export function campaignPage(app: App, id: string): Page {
  let user: StaffUser | null = null;
  let camp: Campaign | null = null;
  let prog: Progress | null = null;
  let def: Definition | null = null;
  let main: HTMLElement;
  const view: ResultsView = { filter: null, question: '', metric: 'overall' };
  const invites: InviteState = { upload: null };
  let leaveResults: (() => void) | null = null;
  let progressEl: HTMLElement | null = null;
  let pendingEl: HTMLElement | null = null;

  /** Reads the progress again (after an upload) and redraws its cards, leaving the rest as it is. */
  async function reload(): Promise<void> {
    try {
      prog = await getProgress(session, id);
    } catch (e) {
      return failed(app, 'load', e);
    }
    const labels = labeller(def);
    const [a, b] = [progressCard(prog, labels), pendingCard(prog, labels)];
    progressEl?.replaceWith(a);
    pendingEl?.replaceWith(b);
    [progressEl, pendingEl] = [a, b];
  }

  function draw(): void {
    if (!user || !camp || !prog) return;
    leaveResults?.();
    const labels = labeller(def);
    app.title(tx(camp.title));
    const results = resultsCard(app, camp, labels, view);
    leaveResults = results.leave;
    progressEl = progressCard(prog, labels);
    pendingEl = pendingCard(prog, labels);
    main.replaceChildren(
      h(
        'div',
        { class: 'page page--dashboard' },
        staffNav(app, user, 'campaigns'),
        h('h1', { tabindex: '-1', 'data-testid': 'campaign-title' }, tx(camp.title)),
        h('p', { class: 'lead campaign-meta' }, statusBadge(camp.status), ' ', periodText(camp), ' ', t('staff.campaign.k', { k: camp.k })),
        progressEl,
        inviteCard(app, camp, invites, () => void reload()),
        pendingEl,
        results.element,
      ),
    );
  }

  return {
    async render(el) {
      main = el;
      app.title(t('staff.campaign.loading'));
      user = await signedIn(app, main, () => app.navigate(location.pathname, true));
      if (!user) return;
      main.append(h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, t('staff.campaign.loading'))));
      try {
        camp = await getCampaign(session, id);
        [prog, def] = await Promise.all([getProgress(session, id), definition(camp.questionnaire.id, camp.questionnaire.version).catch(() => null)]);
      } catch (e) {
        if (notFound(e)) {
          main.replaceChildren(staffPage(app, user, 'campaigns', t('staff.campaign.not_found'), h('p', {}, h('a', { href: '/staff', 'data-route': '' }, t('staff.campaign.back')))));
          return;
        }
        return failed(app, 'load', e);
      }
      draw();
    },
    setLang: () => draw(),
    leave: () => leaveResults?.(),
  };
}

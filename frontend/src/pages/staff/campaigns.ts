// /staff: the chamber's campaigns with their status and response rate. /staff/campaigns/new:
// a new campaign (titles in both languages, the period in whole days of Japan time, k, the
// open link).

import { h } from '../../dom';
import { field, onSubmit, setFieldError } from '../../forms';
import { date, num, pct, t, tx, type Key } from '../../i18n';
import type { App, Page } from '../../main';
import { notify } from '../../notices';
import { isDay, JAPAN, japanDay, lastMoment, periodOf } from '../../period';
import type { StaffUser } from '../../session';
import { type Campaign, campaigns, createCampaign, type Progress, progress, type Status } from '../../staffapi';
import { dataTable, failed, session, signedIn, staffPage } from './shell';

/** The smallest group of firms a campaign's tables show (the API refuses less). */
export const MIN_K = 5;

/** A campaign's status as a badge. */
export function statusBadge(s: Status): HTMLElement {
  return h('span', { class: `badge badge--campaign-${s}`, 'data-testid': 'campaign-status', 'data-status': s }, t(`staff.status.${s}` as Key));
}

/** "1 December 2026 – 28 February 2027 (Japan time)". */
export function periodText(c: { opens: string; closes: string }): string {
  return t('staff.period', { from: date(c.opens, false, JAPAN), to: date(lastMoment(c.closes), false, JAPAN) });
}

/** "2 of 3 (66.7%)", or a dash before any firm is invited. */
export function rateText(p: Progress['total'] | undefined): string {
  if (!p) return '—';
  if (p.rate === null) return t('staff.rate_none');
  return t('staff.rate', { submitted: num(p.submitted, 0), invited: num(p.invited, 0), rate: pct(p.rate) });
}

function listTable(list: Campaign[], rates: Map<string, Progress['total']>): HTMLElement {
  const head = (['staff.campaigns.name', 'staff.campaigns.status', 'staff.campaigns.period', 'staff.campaigns.responses'] as const).map((k) => t(k));
  const rows = list.map((c) =>
    h(
      'tr',
      { 'data-testid': 'campaign-row', 'data-id': c.id },
      h('th', { scope: 'row' }, h('a', { href: `/staff/campaigns/${encodeURIComponent(c.id)}`, 'data-route': '' }, tx(c.title))),
      h('td', {}, statusBadge(c.status)),
      h('td', {}, periodText(c)),
      h('td', { 'data-testid': 'campaign-rate' }, rateText(rates.get(c.id))),
    ),
  );
  return dataTable('campaign-list', t('staff.campaigns.title'), head, rows, { hidden: true });
}

export function campaignsPage(app: App): Page {
  let user: StaffUser | null = null;
  let list: Campaign[] = [];
  const rates = new Map<string, Progress['total']>();
  let main: HTMLElement;

  function draw(): void {
    if (!user) return;
    app.title(t('staff.campaigns.title'));
    main.replaceChildren(
      staffPage(
        app,
        user,
        'campaigns',
        t('staff.campaigns.title'),
        h('p', { class: 'lead' }, t('staff.campaigns.lead')),
        h('div', { class: 'actions' }, h('a', { href: '/staff/campaigns/new', 'data-route': '', class: 'button button--primary', 'data-testid': 'new-campaign' }, t('staff.campaigns.new'))),
        list.length ? listTable(list, rates) : h('p', { 'data-testid': 'campaign-none' }, t('staff.campaigns.none')),
      ),
    );
  }

  return {
    async render(el) {
      main = el;
      app.title(t('staff.campaigns.title'));
      user = await signedIn(app, main, () => app.navigate('/staff', true));
      if (!user) return;
      try {
        list = await campaigns(session);
        const all = await Promise.all(list.map((c) => progress(session, c.id).catch(() => null)));
        all.forEach((p, i) => p && rates.set(list[i].id, p.total));
      } catch (e) {
        return failed(app, 'load', e);
      }
      draw();
    },
    setLang: () => draw(),
  };
}

/** The fields of the new-campaign form, by the API's field names. */
const FIELD_IDS: Record<string, string> = {
  title_ja: 'campaign-title-ja',
  title_en: 'campaign-title-en',
  opens: 'campaign-opens',
  closes: 'campaign-closes',
  k: 'campaign-k',
};

function campaignForm(): { form: HTMLFormElement; read: () => { first: string; last: string; k: number; ja: string; en: string; open: boolean } } {
  const text = (testid: string) => h('input', { type: 'text', class: 'input input--wide', maxlength: '200', required: true, 'data-testid': testid });
  const day = (testid: string, value: string) => h('input', { type: 'date', class: 'input', required: true, value, 'data-testid': testid });
  const ja = text('campaign-title-ja');
  const en = text('campaign-title-en');
  const now = Date.now();
  const first = day('campaign-opens', japanDay(now));
  const last = day('campaign-closes', japanDay(now, 30));
  const k = h('input', { type: 'number', class: 'input input--short', min: String(MIN_K), max: '100', step: '1', value: String(MIN_K), required: true, 'data-testid': 'campaign-k' });
  const open = h('input', { type: 'checkbox', id: 'campaign-open-link', 'data-testid': 'campaign-open-link' });
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'campaign-form' },
    field(FIELD_IDS.title_ja, t('staff.new.title_ja'), ja),
    field(FIELD_IDS.title_en, t('staff.new.title_en'), en),
    h('div', { class: 'form__row' }, field(FIELD_IDS.opens, t('staff.new.opens'), first), field(FIELD_IDS.closes, t('staff.new.closes'), last, t('staff.new.closes_help'))),
    field(FIELD_IDS.k, t('staff.new.k'), k, t('staff.new.k_help', { min: MIN_K })),
    h('div', { class: 'check' }, open, h('label', { for: 'campaign-open-link' }, t('staff.new.open_link'))),
    h('p', { class: 'small check__help' }, t('staff.new.open_link_help')),
  );
  return { form, read: () => ({ first: first.value, last: last.value, k: Number(k.value), ja: ja.value.trim(), en: en.value.trim(), open: open.checked }) };
}

/** Checks what the browser can before sending: the days and k. */
function checkLocally(form: HTMLElement, v: { first: string; last: string; k: number }): boolean {
  const bad: [string, string][] = [];
  if (!isDay(v.first)) bad.push([FIELD_IDS.opens, t('staff.new.bad_day')]);
  if (!isDay(v.last)) bad.push([FIELD_IDS.closes, t('staff.new.bad_day')]);
  if (!Number.isInteger(v.k) || v.k < MIN_K || v.k > 100) bad.push([FIELD_IDS.k, t('staff.new.k_help', { min: MIN_K })]);
  for (const [id, msg] of bad) setFieldError(form, id, msg);
  if (bad.length) form.querySelector<HTMLElement>(`#${bad[0][0]}`)?.focus();
  return bad.length === 0;
}

export function newCampaignPage(app: App): Page {
  return {
    async render(main) {
      app.title(t('staff.new.title'));
      const user = await signedIn(app, main, () => app.navigate('/staff/campaigns/new', true));
      if (!user) return;
      const { form, read } = campaignForm();
      const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'campaign-create' }, t('staff.new.submit'));
      form.append(h('div', { class: 'actions' }, submit, h('a', { href: '/staff', 'data-route': '', class: 'button' }, t('staff.new.cancel'))));
      onSubmit(form, submit, {
        ids: FIELD_IDS,
        check: () => checkLocally(form, read()),
        send: async () => {
          const v = read();
          const c = await createCampaign(session, { questionnaire_id: 'esr', title: { ja: v.ja, en: v.en }, ...periodOf(v.first, v.last), k: v.k, open_link: v.open });
          notify('created', { kind: 'success', text: t('staff.new.created'), survive: true });
          app.navigate(`/staff/campaigns/${encodeURIComponent(c.id)}`);
        },
        otherwise: (err) => failed(app, 'create', err),
        unplaced: (rest) => notify('create', { kind: 'error', text: rest.join(' ') }),
      });
      main.append(staffPage(app, user, 'campaigns', t('staff.new.title'), h('p', { class: 'lead' }, t('staff.new.lead')), form));
    },
  };
}

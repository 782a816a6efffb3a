// /invite#TOKEN (a firm's invitation) and /join#CODE (a campaign's open link): which chamber
// asks, the survey's title and deadline, what the chamber sees, and whether the firm lets it see
// its answers (no, unless it says so); then the questionnaire, with its private link as
// always. The token or code leaves the address bar at once, as /resume's credential does.

import { ApiError, type CampaignKey, campaignLink, errorText, joinCampaign, type Landing, setConsent } from '../api';
import { h } from '../dom';
import { date, lang, t, tx } from '../i18n';
import type { App, Page } from '../main';
import { notify } from '../notices';
import { JAPAN, lastMoment } from '../period';
import * as storage from '../storage';

/** The fewest firms any group the chamber sees may hold (the smallest k a campaign may have). */
const MIN_FIRMS = 5;

/** The key of the link, kept here once out of the address bar (a change of language draws the page again). */
let kept: { path: string; key: CampaignKey } | null = null;

function keyOf(kind: 'invitation' | 'code', hash: string): CampaignKey | null {
  const v = decodeURIComponent(hash.replace(/^#/, '')).trim();
  if (!v) return null;
  return kind === 'invitation' ? { invitation: v } : { code: v };
}

/** The yes/no question, "no" chosen; returns the fieldset and a reader of the answer. */
function consentQuestion(chamber: string): { element: HTMLElement; yes: () => boolean } {
  const radio = (value: string, label: string, checked: boolean) => {
    const id = `consent-${value}`;
    return h('div', { class: 'check' }, h('input', { type: 'radio', name: 'consent', id, value, checked, 'data-testid': id }), h('label', { for: id }, label));
  };
  const element = h(
    'fieldset',
    { class: 'consent', 'data-testid': 'consent-question' },
    h('legend', {}, t('consent.question', { chamber })),
    radio('no', t('consent.no', { chamber }), true),
    radio('yes', t('consent.yes', { chamber }), false),
    h('p', { class: 'small' }, t('consent.later')),
  );
  return { element, yes: () => element.querySelector<HTMLInputElement>('input[value=yes]')!.checked };
}

/** Why the campaign takes no answers now: not open yet, or closed. */
function notOpen(l: Landing): string {
  return Date.parse(l.opens) > Date.now() ? t('landing.not_yet', { date: date(l.opens, true, JAPAN) }) : t('landing.closed', { date: date(lastMoment(l.closes), true, JAPAN) });
}

export function landingPage(app: App, kind: 'invitation' | 'code'): Page {
  let landing: Landing | null = null;
  let failure = '';
  let main: HTMLElement;

  async function start(key: CampaignKey, l: Landing, consent: boolean, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const c = await joinCampaign(key, lang());
      storage.adopt(c, undefined, { id: l.campaign_id, title: l.title, chamber: l.chamber });
      if (consent) await setConsent({ id: c.id, token: c.respondent_token }, true).catch(() => notify('consent', { kind: 'error', text: t('consent.failed'), survive: true }));
      kept = null;
      app.navigate('/survey');
    } catch (e) {
      button.disabled = false;
      if (e instanceof ApiError && e.code === 'campaign_closed') {
        landing = { ...l, open: false };
        draw();
      } else {
        notify('start', { kind: 'error', text: errorText(e) });
      }
    }
  }

  /** What this device already has of the campaign: a draft to continue or a result to see. */
  function mine(l: Landing): HTMLElement | null {
    const cur = storage.current();
    if (cur?.campaign?.id !== l.campaign_id) return null;
    const draft = cur.status === 'draft';
    return h(
      'div',
      { class: 'callout', 'data-testid': 'landing-current' },
      h('p', {}, draft ? t('landing.has_draft') : t('landing.has_result')),
      h('a', { href: draft ? '/survey' : '/result', 'data-route': '', class: 'button button--primary', 'data-testid': draft ? 'continue-button' : 'result-link' }, draft ? t('start.continue') : t('start.see_result')),
    );
  }

  function open(l: Landing, key: CampaignKey): HTMLElement[] {
    const chamber = tx(l.chamber);
    const consent = consentQuestion(chamber);
    const again = storage.current()?.campaign?.id === l.campaign_id; // this device has answered it: "start anew"
    const button = h('button', { type: 'button', class: again ? 'button button--large' : 'button button--primary button--large', 'data-testid': 'landing-start' }, again ? t('start.new') : t('landing.start'));
    button.addEventListener('click', () => void start(key, l, consent.yes(), button));
    return [
      h('p', { class: 'deadline', 'data-testid': 'landing-deadline' }, t('landing.until', { date: date(lastMoment(l.closes), true, JAPAN) })),
      h('dl', { class: 'facts' }, [
        h('div', { class: 'facts__item' }, h('dt', {}, t('landing.sees.title', { chamber })), h('dd', {}, t('landing.sees.text', { chamber, k: MIN_FIRMS }))),
        h('div', { class: 'facts__item' }, h('dt', {}, t('start.time.title')), h('dd', {}, t('start.time.text'))),
        h('div', { class: 'facts__item' }, h('dt', {}, t('landing.you.title')), h('dd', {}, t('landing.you.text'))),
      ]),
      consent.element,
      h('div', { class: 'actions' }, button),
    ];
  }

  function draw(): void {
    if (!kept) return;
    if (!landing) {
      app.title(t('landing.invalid_title'));
      main.replaceChildren(h('div', { class: 'page', 'data-testid': 'landing-invalid' }, h('h1', { tabindex: '-1' }, t('landing.invalid_title')), h('p', {}, failure), h('p', {}, h('a', { href: '/', 'data-route': '' }, t('landing.to_start')))));
      return;
    }
    const l = landing;
    const chamber = tx(l.chamber);
    app.title(tx(l.title));
    main.replaceChildren(
      h(
        'div',
        { class: 'page page--landing', 'data-testid': 'landing' },
        h('p', { class: 'eyebrow', 'data-testid': 'landing-chamber' }, t('landing.asks', { chamber })),
        h('h1', { tabindex: '-1', 'data-testid': 'landing-title' }, tx(l.title)),
        l.invited_firm ? h('p', { class: 'lead', 'data-testid': 'landing-firm' }, t('landing.for_firm', { firm: l.invited_firm })) : null,
        h('p', { class: 'lead' }, t('landing.lead', { chamber })),
        mine(l),
        ...(l.open ? open(l, kept.key) : [h('p', { class: 'callout', 'data-testid': 'landing-closed' }, notOpen(l)), h('p', {}, h('a', { href: '/', 'data-route': '' }, t('landing.on_your_own')))]),
      ),
    );
  }

  return {
    async render(el) {
      main = el;
      const key = keyOf(kind, location.hash);
      const path = kind === 'invitation' ? '/invite' : '/join';
      if (key) kept = { path, key };
      history.replaceState(null, '', path); // the token leaves the address bar and the history
      app.title(t('landing.loading'));
      if (!kept || kept.path !== path) {
        kept = { path, key: kind === 'invitation' ? { invitation: '' } : { code: '' } };
        failure = t('landing.bad_link');
        return draw();
      }
      main.append(h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, t('landing.loading'))));
      try {
        landing = await campaignLink(kept.key);
      } catch (e) {
        failure = e instanceof ApiError && e.status === 404 ? e.message : errorText(e);
        if (!(e instanceof ApiError) || e.transient) notify('landing', { kind: 'error', text: errorText(e), actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: () => app.navigate(path, true) }] });
      }
      draw();
    },
    setLang: () => draw(),
  };
}

// The web app: the respondent's start page, questionnaire, private resume link, results and
// campaign links, and the chamber staff's pages. Routes (the Go server answers index.html for each):
//   /                      start page
//   /survey                the questionnaire of the current draft
//   /resume#ID.TOKEN       opens an assessment from its private link (the fragment never reaches a server)
//   /result                the result of the current, submitted assessment
//   /invite#TOKEN          a chamber's invitation: who asks, until when, consent; starts the questionnaire
//   /join#CODE             a campaign's open link: the same
//   /staff/login           chamber staff log in
//   /staff/accept#TOKEN    an invited staff member sets a password
//   /staff                 the chamber's campaigns
//   /staff/campaigns/new   a new campaign
//   /staff/campaigns/:id   a campaign's dashboard
//   /staff/users           the chamber's staff accounts (chamber admins)

import './style.css';
import { h, replace } from './dom';
import { lang, parseLang, setLang, t, type Lang } from './i18n';
import { clearNotices, mountNotices } from './notices';
import { landingPage } from './pages/landing';
import { resumePage } from './pages/resume';
import { startPage } from './pages/start';
import { pick } from './routing';
import { saveLang, savedLang } from './storage';

/** What a page gets from the app. */
export interface App {
  navigate(path: string, replaceState?: boolean): void;
  /** Sets the document title: "<title> — esready". */
  title(text: string): void;
}

/** A page: rendered into main; told when the language changes; told when it is left. */
export interface Page {
  render(main: HTMLElement): void | Promise<void>;
  /** Re-renders in the new language, keeping the page's state; without it the page is rendered anew. */
  setLang?(l: Lang): void | Promise<void>;
  leave?(): void;
}

type PageFactory = (app: App, params: Record<string, string>) => Page | Promise<Page>;

// The questionnaire (SurveyJS), the results (Chart.js) and the staff pages load only when opened.
const routes: [string, PageFactory][] = [
  ['/', startPage],
  ['/survey', async (app) => (await import('./pages/survey')).surveyPage(app)],
  ['/resume', resumePage],
  ['/result', async (app) => (await import('./pages/result')).resultPage(app)],
  ['/invite', (app) => landingPage(app, 'invitation')],
  ['/join', (app) => landingPage(app, 'code')],
  ['/staff/login', async (app) => (await import('./pages/staff/login')).loginPage(app)],
  ['/staff/accept', async (app) => (await import('./pages/staff/login')).acceptPage(app)],
  ['/staff', async (app) => (await import('./pages/staff/campaigns')).campaignsPage(app)],
  ['/staff/campaigns/new', async (app) => (await import('./pages/staff/campaigns')).newCampaignPage(app)],
  ['/staff/campaigns/:id', async (app, p) => (await import('./pages/staff/campaign')).campaignPage(app, p.id)],
  ['/staff/users', async (app) => (await import('./pages/staff/users')).usersPage(app)],
];

/** Whether the page at path is one of the chamber staff's. */
const isStaff = (path: string) => path === '/staff' || path.startsWith('/staff/');

function initialLang(): Lang {
  const q = parseLang(new URLSearchParams(location.search).get('lang'));
  if (q) return q;
  const saved = savedLang();
  if (saved) return saved;
  return navigator.languages?.some((l) => l.toLowerCase().startsWith('ja')) || !navigator.language?.toLowerCase().startsWith('en') ? 'ja' : 'en';
}

function boot(): void {
  setLang(initialLang());
  const root = document.getElementById('app');
  if (!root) return;

  const skip = h('a', { class: 'skip-link', href: '#main' });
  const brand = h('a', { class: 'brand', href: '/', 'data-route': '' });
  const langButtons = (['ja', 'en'] as const).map((l) =>
    h(
      'button',
      { type: 'button', class: 'lang-switch__button', lang: l, 'data-testid': `lang-${l}`, onclick: () => void switchLang(l) },
      l === 'ja' ? '日本語' : 'English',
    ),
  );
  const langGroup = h('div', { class: 'lang-switch', role: 'group', 'data-testid': 'lang-switch' }, langButtons);
  const header = h('header', { class: 'site-header' }, h('div', { class: 'site-header__inner' }, brand, langGroup));
  const notices = h('div', { class: 'notices', 'data-testid': 'notices' });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const footerText = h('p');
  const footer = h('footer', { class: 'site-footer' }, footerText);
  replace(root, skip, header, h('div', { class: 'notices-wrap' }, notices), main, footer);
  mountNotices(notices);

  let page: Page | null = null;
  let pageTitle = '';
  let shown = 0;

  const chrome = () => {
    skip.textContent = t('app.skip');
    brand.textContent = t('app.name');
    langGroup.setAttribute('aria-label', t('app.language'));
    for (const b of langButtons) b.setAttribute('aria-pressed', String(b.lang === lang()));
    const staff = isStaff(location.pathname);
    brand.setAttribute('href', staff ? '/staff' : '/');
    brand.setAttribute('aria-label', staff ? t('staff.home') : t('app.home'));
    footerText.textContent = staff ? t('staff.footer') : t('app.footer');
    document.title = pageTitle ? `${pageTitle} — ${t('app.name')}` : t('app.name');
  };

  const app: App = {
    navigate(path, replaceState = false) {
      if (replaceState) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
      void show(true);
    },
    title(text) {
      pageTitle = text;
      chrome();
    },
  };

  async function show(moveFocus: boolean): Promise<void> {
    const seq = ++shown;
    page?.leave?.();
    page = null;
    clearNotices();
    pageTitle = '';
    chrome();
    const { route, params } = pick(routes, location.pathname) ?? { route: startPage, params: {} };
    const next = await route(app, params);
    if (seq !== shown) return; // another navigation overtook this one
    page = next;
    main.replaceChildren();
    window.scrollTo(0, 0);
    await page.render(main);
    if (moveFocus && seq === shown) main.querySelector<HTMLElement>('h1')?.focus();
  }

  async function switchLang(l: Lang): Promise<void> {
    if (l === lang()) return;
    setLang(l);
    saveLang(l);
    chrome();
    if (page?.setLang) await page.setLang(l);
    else await show(false);
  }

  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[data-route]');
    if (!a || e.defaultPrevented || (e as MouseEvent).button !== 0 || (e as MouseEvent).metaKey || (e as MouseEvent).ctrlKey) return;
    e.preventDefault();
    app.navigate(a.getAttribute('href') ?? '/');
  });
  window.addEventListener('popstate', () => void show(true));
  void show(false);
}

boot();

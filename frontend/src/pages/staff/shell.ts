// What the chamber staff's pages share: the one session of this page, the check that someone
// is signed in (else the login page, which comes back afterwards), the navigation bar, cards,
// and download buttons.

import { ApiError, errorText } from '../../api';
import { h, saveBlob, uid } from '../../dom';
import { lang, t } from '../../i18n';
import type { App } from '../../main';
import { notify } from '../../notices';
import { Session, SignedOut, type StaffUser } from '../../session';

/** Holds fn under a lock every tab of this browser shares, where the Web Locks API exists. */
function acrossTabs<T>(fn: () => Promise<T>): Promise<T> {
  const locks = navigator.locks;
  return locks ? locks.request('esready-refresh', fn) : fn();
}

/** The session of this page: its access token lives here only, in memory. */
export const session = new Session({ fetch: (url, init) => fetch(url, init), lang, exclusive: acrossTabs });

let after = '/staff';
let ended = false;
session.onEnd(() => {
  ended = true;
});

/** Where the login page goes once signed in. */
export function takeNext(): string {
  const next = after;
  after = '/staff';
  return next;
}

/** Sends the browser to the login page, to come back to the page it is on. */
export function toLogin(app: App): void {
  after = location.pathname;
  if (ended) notify('signed-out', { kind: 'info', text: t('staff.signed_out'), survive: true });
  ended = false;
  app.navigate('/staff/login', true);
}

/** The signed-in user, or null after sending the browser to the login page (or saying the server is out of reach). */
export async function signedIn(app: App, main: HTMLElement, retry: () => void): Promise<StaffUser | null> {
  try {
    const u = await session.restore();
    if (!u) toLogin(app);
    return u;
  } catch (e) {
    main.append(h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, t('staff.unreachable_title')), h('p', {}, errorText(e))));
    notify('load', { kind: 'error', text: errorText(e), actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: retry }] });
    return null;
  }
}

/** Tells what went wrong with a call: the end of the session sends to the login page. */
export function failed(app: App, id: string, e: unknown): void {
  if (e instanceof SignedOut) return toLogin(app);
  notify(id, { kind: 'error', text: errorText(e) });
}

/** Whether e is the API saying the page's object does not exist (or is another chamber's). */
export const notFound = (e: unknown) => e instanceof ApiError && e.status === 404;

/** The parts of the staff navigation. */
type Section = 'campaigns' | 'users';

/** The staff navigation: campaigns, staff accounts (chamber admins), who is signed in, log out. */
export function staffNav(app: App, user: StaffUser, current: Section): HTMLElement {
  const link = (href: string, key: Section, testid: string) =>
    h('a', { href, 'data-route': '', class: 'staff-nav__link', 'data-testid': testid, 'aria-current': current === key ? 'page' : null }, t(`staff.nav.${key}`));
  const out = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'logout' }, t('staff.nav.logout'));
  out.addEventListener('click', async () => {
    out.disabled = true;
    await session.logout().catch(() => undefined);
    notify('logged-out', { kind: 'success', text: t('staff.logged_out'), survive: true });
    ended = false;
    app.navigate('/staff/login');
  });
  return h(
    'nav',
    { class: 'staff-nav', 'aria-label': t('staff.nav.label') },
    h('div', { class: 'staff-nav__links' }, link('/staff', 'campaigns', 'nav-campaigns'), user.role === 'chamber_admin' ? link('/staff/users', 'users', 'nav-users') : null),
    h('div', { class: 'staff-nav__user' }, h('span', { 'data-testid': 'staff-user' }, t('staff.nav.signed_in', { name: user.name })), out),
  );
}

/** A staff page: the navigation (current marked), the heading, then children. */
export function staffPage(app: App, user: StaffUser, current: Section, title: string, ...children: (Node | null)[]): HTMLElement {
  return h('div', { class: 'page' }, staffNav(app, user, current), h('h1', { tabindex: '-1' }, title), ...children);
}

/** A card of a page: a section headed by title. */
export function card(testid: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  const id = uid('h');
  return h('section', { class: 'card', 'data-testid': testid, 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A table that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it). */
function scroller(label: string, table: HTMLElement): HTMLElement {
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}

/** A column heading; num ones are right-aligned, as their cells. */
export type Head = string | { text: string; num: true };

/** A table in a scroller: its caption (only for screen readers when hidden), headings and rows. */
export function dataTable(testid: string, caption: string, head: Head[], rows: HTMLElement[], opts: { hidden?: boolean; className?: string } = {}): HTMLElement {
  const th = (x: Head) => (typeof x === 'string' ? h('th', { scope: 'col' }, x) : h('th', { scope: 'col', class: 'num' }, x.text));
  return scroller(
    caption,
    h(
      'table',
      { class: `table ${opts.className ?? ''}`.trim(), 'data-testid': testid },
      h('caption', { class: opts.hidden ? 'visually-hidden' : null }, caption),
      h('thead', {}, h('tr', {}, head.map(th))),
      h('tbody', {}, rows),
    ),
  );
}

/** A button that downloads what get fetches, saying so in status. */
export function downloadButton(app: App, testid: string, label: string, status: HTMLElement, get: () => Promise<{ blob: Blob; name: string }>): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'button', 'data-testid': testid }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    status.textContent = t('download.preparing');
    try {
      const { blob, name } = await get();
      saveBlob(blob, name);
      status.textContent = t('download.done', { name });
    } catch (e) {
      status.textContent = '';
      failed(app, 'download', e);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

// /staff/login: chamber staff log in with e-mail and password. /staff/accept#TOKEN: an invited
// staff member sets a password; the token leaves the address bar at once, as /resume's does.

import { ApiError, errorText } from '../../api';
import { h } from '../../dom';
import { field, onSubmit, setFieldError } from '../../forms';
import { t } from '../../i18n';
import type { App, Page } from '../../main';
import { dismiss, notify } from '../../notices';
import { accept } from '../../staffapi';
import { session, takeNext } from './shell';

/** The e-mail address to fill in, after setting a password. */
let knownEmail = '';
/** The token of the set-password link, kept here once out of the address bar (a change of language draws the page again). */
let inviteToken = '';

function input(type: string, autocomplete: string, testid: string): HTMLInputElement {
  return h('input', { type, class: 'input', autocomplete, required: true, 'data-testid': testid, spellcheck: 'false' });
}

/** A form of fields with its message line and submit button (test ids `<testid>-error`, `<testid>-submit`). */
function form(testid: string, label: string, ...fields: HTMLElement[]): { form: HTMLFormElement; submit: HTMLButtonElement; problem: HTMLElement } {
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': `${testid}-submit` }, label);
  const problem = h('p', { class: 'form-error', role: 'alert', 'data-testid': `${testid}-error` });
  return { form: h('form', { class: 'form', novalidate: true }, ...fields, problem, h('div', { class: 'actions' }, submit)), submit, problem };
}

/** Disables button for the seconds a 429 asks to wait. */
function holdOff(button: HTMLButtonElement, seconds = 0): void {
  if (seconds <= 0) return;
  button.disabled = true;
  setTimeout(() => (button.disabled = false), seconds * 1000);
}

export function loginPage(app: App): Page {
  return {
    async render(main) {
      app.title(t('staff.login.title'));
      // Signed in already in this browser (the refresh cookie): go straight on.
      if (await session.restore().catch(() => null)) return app.navigate(takeNext(), true);
      const email = input('email', 'username', 'login-email');
      email.value = knownEmail;
      const password = input('password', 'current-password', 'login-password');
      const { form: login, submit, problem } = form('login', t('staff.login.submit'), field('login-email', t('staff.login.email'), email), field('login-password', t('staff.login.password'), password));
      onSubmit(login, submit, {
        ids: { email: 'login-email', password: 'login-password' },
        problem,
        send: async () => {
          await session.login(email.value.trim(), password.value);
          dismiss('signed-out');
          app.navigate(takeNext());
        },
        failing: () => (password.value = ''),
        otherwise: (err) => {
          problem.textContent = errorText(err);
          if (err instanceof ApiError && err.status === 429) holdOff(submit, err.retryAfter);
        },
      });
      main.append(
        h(
          'div',
          { class: 'page page--narrow' },
          h('h1', { tabindex: '-1' }, t('staff.login.title')),
          h('p', { class: 'lead' }, t('staff.login.lead')),
          login,
          h('p', { class: 'small' }, t('staff.login.help')),
        ),
      );
    },
  };
}

export function acceptPage(app: App): Page {
  return {
    render(main) {
      app.title(t('staff.accept.title'));
      const fromLink = location.hash.replace(/^#/, '');
      if (fromLink) inviteToken = decodeURIComponent(fromLink);
      history.replaceState(null, '', '/staff/accept'); // the token leaves the address bar and the history
      const page = h('div', { class: 'page page--narrow' }, h('h1', { tabindex: '-1' }, t('staff.accept.title')));
      main.append(page);
      if (!inviteToken) {
        page.append(h('p', { 'data-testid': 'accept-bad-link' }, t('staff.accept.bad_link')));
        return;
      }
      const password = input('password', 'new-password', 'accept-password');
      const again = input('password', 'new-password', 'accept-again');
      const { form: set, submit, problem } = form('accept', t('staff.accept.submit'), field('accept-password', t('staff.accept.password'), password, t('staff.accept.password_help')), field('accept-again', t('staff.accept.again'), again));
      onSubmit(set, submit, {
        ids: { password: 'accept-password' },
        problem,
        check: () => {
          if (password.value === again.value) return true;
          setFieldError(set, 'accept-again', t('staff.accept.mismatch'));
          again.focus();
          return false;
        },
        send: async () => {
          const user = await accept(inviteToken, password.value);
          inviteToken = '';
          knownEmail = user.email;
          notify('accepted', { kind: 'success', text: t('staff.accept.done'), survive: true });
          app.navigate('/staff/login', true);
        },
        otherwise: (err) => (problem.textContent = errorText(err)),
      });
      page.append(h('p', { class: 'lead' }, t('staff.accept.lead')), set);
    },
  };
}

// /resume#ID.TOKEN: the private link. The credential travels in the fragment, which browsers
// never send to a server, so it stays out of access logs. The page remembers the assessment on
// this device, takes the fragment out of the address bar and opens the questionnaire where the
// respondent stopped, or the result.

import { ApiError, getAssessment } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import type { App, Page } from '../main';
import { notify } from '../notices';
import * as storage from '../storage';

/** The private link of an assessment. */
export function resumeLink(id: string, token: string): string {
  return `${location.origin}/resume#${id}.${token}`;
}

/** Reads ID.TOKEN from a fragment. */
export function parseFragment(hash: string): { id: string; token: string } | undefined {
  const s = hash.replace(/^#/, '');
  const dot = s.indexOf('.');
  if (dot <= 0 || dot === s.length - 1) return undefined;
  return { id: decodeURIComponent(s.slice(0, dot)), token: decodeURIComponent(s.slice(dot + 1)) };
}

export function resumePage(app: App): Page {
  return {
    async render(main) {
      app.title(t('resume.title'));
      const cred = parseFragment(location.hash);
      history.replaceState(null, '', '/resume'); // the credential leaves the address bar and the history
      const status = h('p', { role: 'status' }, t('resume.opening'));
      main.append(h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, t('resume.title')), status));
      if (!cred) {
        status.textContent = t('resume.bad_link');
        main.querySelector('.page')?.append(h('p', {}, h('a', { href: '/', 'data-route': '' }, t('resume.to_start'))));
        return;
      }
      try {
        const a = await getAssessment(cred);
        const known = storage.load(cred.id);
        storage.store({
          ...(known ?? {}),
          id: cred.id,
          token: cred.token,
          status: a.status,
          revision: known?.pendingBase !== undefined ? known.revision : a.revision,
          showLink: false,
        });
        app.navigate(a.status === 'submitted' ? '/result' : '/survey', true);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          status.textContent = t('resume.not_found');
        } else {
          status.textContent = t('error.network');
          notify('resume', { kind: 'error', text: t('error.network'), actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: () => location.assign(`/resume#${cred.id}.${cred.token}`) }] });
        }
        main.querySelector('.page')?.append(h('p', {}, h('a', { href: '/', 'data-route': '' }, t('resume.to_start'))));
      }
    },
  };
}

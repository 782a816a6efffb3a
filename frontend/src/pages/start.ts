// The start page: what the assessment is, how long it takes, what is stored, who sees it, how
// long it is kept; then start (or continue the assessment this device remembers).

import { createAssessment, errorText } from '../api';
import { h } from '../dom';
import { lang, t, type Key } from '../i18n';
import type { App, Page } from '../main';
import { notify } from '../notices';
import * as storage from '../storage';

const facts: [Key, Key][] = [
  ['start.what.title', 'start.what.text'],
  ['start.time.title', 'start.time.text'],
  ['start.stored.title', 'start.stored.text'],
  ['start.who.title', 'start.who.text'],
  ['start.kept.title', 'start.kept.text'],
];

/** Creates a draft, remembers it on this device and opens the questionnaire. */
export async function startNew(app: App, button?: HTMLButtonElement): Promise<void> {
  if (button) button.disabled = true;
  try {
    const c = await createAssessment(lang());
    storage.adopt(c);
    app.navigate('/survey');
  } catch (e) {
    notify('start', { kind: 'error', text: errorText(e) });
  } finally {
    if (button) button.disabled = false;
  }
}

export function startPage(app: App): Page {
  return {
    render(main) {
      app.title(t('start.title'));
      const cur = storage.current();
      const start = h('button', { type: 'button', class: 'button button--primary button--large', 'data-testid': 'start-button' }, cur ? t('start.new') : t('start.button'));
      start.addEventListener('click', () => void startNew(app, start));
      const actions = h('div', { class: 'actions' });
      if (cur?.status === 'draft') {
        actions.append(
          h('a', { href: '/survey', 'data-route': '', class: 'button button--primary button--large', 'data-testid': 'continue-button' }, t('start.continue')),
          start,
        );
        start.className = 'button button--large';
      } else if (cur?.status === 'submitted') {
        actions.append(
          h('a', { href: '/result', 'data-route': '', class: 'button button--primary button--large', 'data-testid': 'result-link' }, t('start.see_result')),
          start,
        );
        start.className = 'button button--large';
      } else {
        actions.append(start);
      }
      main.append(
        h(
          'div',
          { class: 'page page--start' },
          h('h1', { tabindex: '-1' }, t('start.title')),
          h('p', { class: 'lead' }, t('start.lead')),
          cur ? h('p', { class: 'callout', 'data-testid': 'start-current' }, cur.status === 'draft' ? t('start.has_draft') : t('start.has_result')) : null,
          actions,
          h(
            'dl',
            { class: 'facts' },
            facts.map(([title, text]) => h('div', { class: 'facts__item' }, h('dt', {}, t(title)), h('dd', {}, t(text)))),
          ),
          h('p', { class: 'small' }, t('start.sources')),
        ),
      );
    },
  };
}

// Notices above the page: failures, conflicts and confirmations. One per id; showing an id again
// replaces its notice. Errors and warnings are alerts (read out at once), the others polite.

import { h } from './dom';
import { t } from './i18n';

export interface NoticeAction {
  label: string;
  testid: string;
  run: () => void;
}

export interface Notice {
  kind: 'error' | 'warning' | 'info' | 'success';
  text: string;
  actions?: NoticeAction[];
  /** Whether the notice has a close button (default: true unless it has actions). */
  dismissible?: boolean;
  /** Whether the notice stays through the next change of page (e.g. "deleted", then the start page). */
  survive?: boolean;
}

let container: HTMLElement | null = null;

/** Sets the element notices go into. */
export function mountNotices(el: HTMLElement): void {
  container = el;
}

/** Shows (or replaces) the notice id. */
export function notify(id: string, n: Notice): void {
  if (!container) return;
  const old = container.querySelector<HTMLElement>(`[data-notice="${id}"]`);
  // Unchanged: leave it, so that a screen reader does not read it out again.
  if (old && old.dataset.text === n.text && old.dataset.kind === n.kind) return;
  const urgent = n.kind === 'error' || n.kind === 'warning';
  const dismissible = n.dismissible ?? !n.actions?.length;
  const el = h(
    'div',
    { class: `notice notice--${n.kind}`, 'data-notice': id, 'data-testid': `notice-${id}`, role: urgent ? 'alert' : 'status' },
    h('p', { class: 'notice__text' }, n.text),
    n.actions?.length || dismissible
      ? h(
          'div',
          { class: 'notice__actions' },
          (n.actions ?? []).map((a) => h('button', { type: 'button', class: 'button button--small', 'data-testid': a.testid, onclick: () => a.run() }, a.label)),
          dismissible
            ? h('button', { type: 'button', class: 'button button--small button--quiet', 'data-testid': `notice-${id}-close`, onclick: () => dismiss(id) }, t('notice.close'))
            : null,
        )
      : null,
  );
  el.dataset.text = n.text;
  el.dataset.kind = n.kind;
  if (n.survive) el.dataset.survive = '1';
  if (old) old.replaceWith(el);
  else container.append(el);
}

/** Removes the notice id. */
export function dismiss(id: string): void {
  container?.querySelector(`[data-notice="${id}"]`)?.remove();
}

/** Removes the notices of the page left (those marked to survive it stay, once). */
export function clearNotices(): void {
  if (!container) return;
  for (const el of [...container.children] as HTMLElement[]) {
    if (el.dataset.survive === '1') el.dataset.survive = '0';
    else el.remove();
  }
}

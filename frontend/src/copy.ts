// A read-only field holding a link with a copy button and a "copied" status: the private link
// of an assessment, a campaign's open link, a new staff member's set-password link.

import { h } from './dom';
import { t } from './i18n';

/**
 * The field, its button and its status line; test ids `<testid>-text`, `-copy`, `-copied`.
 * The caller puts them where it likes (the input's label points at id).
 */
export function copyField(id: string, value: string, testid: string): { input: HTMLInputElement; button: HTMLButtonElement; status: HTMLElement } {
  const input = h('input', { id, type: 'text', readonly: true, value, class: 'input copy-field__input', 'data-testid': `${testid}-text`, spellcheck: 'false' });
  const status = h('span', { role: 'status', class: 'copy-field__copied', 'data-testid': `${testid}-copied` });
  const button = h('button', { type: 'button', class: 'button', 'data-testid': `${testid}-copy` }, t('link.copy'));
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      input.select();
      document.execCommand('copy');
    }
    status.textContent = t('link.copied');
  });
  input.addEventListener('focus', () => input.select());
  return { input, button, status };
}

/** The field as one block: label, field and button on a row, status below. */
export function copyBlock(id: string, label: string, value: string, testid: string): HTMLElement {
  const f = copyField(id, value, testid);
  return h('div', { class: 'copy-field' }, h('label', { for: id, class: 'label' }, label), h('div', { class: 'copy-field__row' }, f.input, f.button), f.status);
}

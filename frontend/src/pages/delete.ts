// "Delete my assessment": a confirmation dialog, then DELETE /api/v1/assessments/{id} with the
// credential; on success (or when the server no longer has it) the device forgets it too.

import { ApiError, type Credential, deleteAssessment, errorText } from '../api';
import { h, uid } from '../dom';
import { t } from '../i18n';
import type { App } from '../main';
import { notify } from '../notices';
import * as storage from '../storage';

/** The delete button, which asks for confirmation first; onDeleted runs once the server has deleted it. */
export function deleteButton(app: App, cred: Credential, onDeleted?: () => void): HTMLElement {
  const button = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'delete-button' }, t('delete.button'));
  button.addEventListener('click', () => confirmDelete(app, cred, button, onDeleted));
  return h('section', { class: 'danger-zone', 'aria-labelledby': 'delete-heading' }, h('h2', { id: 'delete-heading' }, t('delete.heading')), h('p', {}, t('delete.text')), button);
}

function confirmDelete(app: App, cred: Credential, opener: HTMLElement, onDeleted?: () => void): void {
  const titleId = uid('delete-title');
  const textId = uid('delete-text');
  const confirm = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'delete-confirm' }, t('delete.confirm'));
  const cancel = h('button', { type: 'button', class: 'button', 'data-testid': 'delete-cancel' }, t('delete.cancel'));
  const status = h('p', { role: 'status', class: 'dialog__status' });
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': textId, 'data-testid': 'delete-dialog' },
    h('h2', { id: titleId }, t('delete.dialog_title')),
    h('p', { id: textId }, t('delete.dialog_text')),
    status,
    h('div', { class: 'actions' }, cancel, confirm),
  );
  const close = () => {
    dialog.close();
    dialog.remove();
    opener.focus();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    cancel.disabled = true;
    status.textContent = t('delete.deleting');
    try {
      await deleteAssessment(cred);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) {
        status.textContent = errorText(e);
        confirm.disabled = false;
        cancel.disabled = false;
        return;
      }
      // 404: already gone (deleted elsewhere, or expired); forget it here too.
    }
    onDeleted?.();
    storage.forget(cred.id);
    dialog.close();
    dialog.remove();
    notify('deleted', { kind: 'success', text: t('delete.done'), survive: true });
    app.navigate('/');
  });
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}

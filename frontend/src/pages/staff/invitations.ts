// The dashboard's card for inviting firms: upload an invitations file (its bad lines listed
// with their line numbers; the good ones are imported), download the mail-merge file with each
// firm's own link, and the campaign's open link.

import { ApiError } from '../../api';
import { copyBlock } from '../../copy';
import { h, replace } from '../../dom';
import { num, t } from '../../i18n';
import type { App } from '../../main';
import { type Campaign, download, invite, type LineError, type Upload } from '../../staffapi';
import { card, dataTable, downloadButton, failed, session } from './shell';

/** The last upload of this page, kept through a change of language. */
export interface InviteState {
  upload: Upload | null;
}

function errorTable(errors: LineError[]): HTMLElement {
  const head = (['staff.invite.line', 'staff.invite.column', 'staff.invite.problem'] as const).map((k) => t(k));
  const bad = errors.filter((e) => !e.warning).length;
  const rows = errors.map((e) =>
    h(
      'tr',
      { 'data-testid': 'invite-error', 'data-line': e.line, 'data-code': e.code, class: e.warning ? 'row--warning' : 'row--error' },
      h('th', { scope: 'row', class: 'num' }, num(e.line, 0)),
      h('td', {}, e.column ?? '—'),
      h('td', {}, e.warning ? h('strong', {}, t('staff.invite.warning'), ' ') : null, e.message),
    ),
  );
  return dataTable('invite-errors', t('staff.invite.errors_caption', { n: bad, warnings: errors.length - bad }), head, rows);
}

function uploadResult(u: Upload): (Node | string)[] {
  const line = t('staff.invite.result', { added: num(u.added, 0), already: num(u.already_invited, 0) });
  return u.errors.length ? [line, ' ', t('staff.invite.result_errors')] : [line];
}

function uploadForm(app: App, camp: Campaign, state: InviteState, onDone: () => void): HTMLElement {
  const file = h('input', { type: 'file', id: 'invite-file', accept: '.csv,.txt,text/csv', class: 'input', 'data-testid': 'invite-file', 'aria-describedby': 'invite-file-help' });
  const button = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'invite-upload' }, t('staff.invite.upload'));
  const status = h('p', { role: 'status', 'data-testid': 'invite-status' });
  const errors = h('div', {});
  const show = (u: Upload) => {
    replace(status, ...uploadResult(u));
    replace(errors, u.errors.length ? errorTable(u.errors) : null);
  };
  if (state.upload) show(state.upload);
  button.addEventListener('click', async () => {
    const f = file.files?.[0];
    if (!f) {
      status.textContent = t('staff.invite.choose');
      file.focus();
      return;
    }
    button.disabled = true;
    status.textContent = t('staff.invite.uploading');
    replace(errors);
    try {
      state.upload = await invite(session, camp.id, f);
      show(state.upload);
      onDone();
    } catch (e) {
      const invalid = e instanceof ApiError && e.code === 'invalid_file';
      status.textContent = invalid ? e.fields[0]?.message ?? e.message : '';
      if (!invalid) failed(app, 'upload', e);
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'div',
    { class: 'upload' },
    h('div', { class: 'field' }, h('label', { for: 'invite-file' }, t('staff.invite.file')), file, h('p', { id: 'invite-file-help', class: 'small' }, t('staff.invite.file_help'))),
    h('div', { class: 'actions' }, button),
    status,
    errors,
  );
}

function openLink(camp: Campaign): HTMLElement {
  if (!camp.open_url) return h('p', { 'data-testid': 'open-link-none' }, t('staff.invite.no_open_link'));
  return h('div', {}, copyBlock('open-link-text', t('staff.invite.open_link'), camp.open_url, 'open-link'), h('p', { class: 'small' }, t('staff.invite.open_link_help')));
}

/** The card; onDone runs after an upload (to read the progress again). */
export function inviteCard(app: App, camp: Campaign, state: InviteState, onDone: () => void): HTMLElement {
  const status = h('p', { role: 'status', class: 'small', 'data-testid': 'links-status' });
  return card(
    'staff-invite',
    t('staff.invite.title'),
    h('p', {}, t('staff.invite.lead')),
    uploadForm(app, camp, state, onDone),
    h('h3', {}, t('staff.invite.links_title')),
    h('p', {}, t('staff.invite.links_text')),
    h('div', { class: 'actions' }, downloadButton(app, 'download-links', t('staff.invite.links_download'), status, () => download(session, camp.id, 'invitations.csv'))),
    status,
    h('h3', {}, t('staff.invite.open_title')),
    openLink(camp),
  );
}

// /staff/users: a chamber admin's list of the chamber's staff, their role and whether they may
// log in; inviting someone shows the set-password link once, to pass on.

import { copyBlock } from '../../copy';
import { h, replace } from '../../dom';
import { field, onSubmit } from '../../forms';
import { date, t, type Key } from '../../i18n';
import type { App, Page } from '../../main';
import { notify } from '../../notices';
import type { Role, StaffUser } from '../../session';
import { type Invited, inviteUser, updateUser, users as getUsers } from '../../staffapi';
import { card, dataTable, failed, session, signedIn, staffPage } from './shell';

const ROLES: Role[] = ['chamber_admin', 'analyst'];

function roleSelect(id: string, value: Role, testid: string): HTMLSelectElement {
  const s = h('select', { id, class: 'select', 'data-testid': testid }, ROLES.map((r) => h('option', { value: r }, t(`staff.role.${r}` as Key))));
  s.value = value;
  return s;
}

function state(u: StaffUser): string {
  return t(u.disabled ? 'staff.users.disabled' : u.invited ? 'staff.users.invited' : 'staff.users.active');
}

export function usersPage(app: App): Page {
  let me: StaffUser | null = null;
  let list: StaffUser[] = [];
  let invited: Invited | null = null;
  let main: HTMLElement;

  /** Changes a user, then draws the list again with the focus where it was. */
  async function change(u: StaffUser, ch: { role?: Role; disabled?: boolean }, focus: string): Promise<void> {
    try {
      const next = await updateUser(session, u.id, ch);
      list = list.map((x) => (x.id === next.id ? next : x));
      notify('user', { kind: 'success', text: t('staff.users.changed', { name: next.name }) });
      draw();
      main.querySelector<HTMLElement>(`[data-testid="${focus}"][data-user="${u.id}"]`)?.focus();
    } catch (e) {
      failed(app, 'user', e);
      draw();
    }
  }

  function row(u: StaffUser): HTMLElement {
    const self = u.id === me?.id;
    const role = self ? h('span', {}, t(`staff.role.${u.role}` as Key)) : roleSelect(`role-${u.id}`, u.role, 'user-role');
    if (role instanceof HTMLSelectElement) {
      role.setAttribute('data-user', u.id);
      role.setAttribute('aria-label', t('staff.users.role_of', { name: u.name }));
      role.addEventListener('change', () => void change(u, { role: role.value as Role }, 'user-role'));
    }
    const toggle = self
      ? h('span', { class: 'small' }, t('staff.users.you'))
      : h(
          'button',
          { type: 'button', class: 'button button--small', 'data-testid': 'user-toggle', 'data-user': u.id, onclick: () => void change(u, { disabled: !u.disabled }, 'user-toggle') },
          t(u.disabled ? 'staff.users.enable' : 'staff.users.disable'),
          h('span', { class: 'visually-hidden' }, ` ${u.name}`),
        );
    return h('tr', { 'data-testid': 'user-row', 'data-email': u.email }, h('th', { scope: 'row' }, u.name), h('td', {}, u.email), h('td', {}, role), h('td', { 'data-testid': 'user-state' }, state(u)), h('td', {}, date(u.created_at)), h('td', {}, toggle));
  }

  function listCard(): HTMLElement {
    const head = (['staff.users.name', 'staff.users.email', 'staff.users.role', 'staff.users.state', 'staff.users.created', 'staff.users.action'] as const).map((k) => t(k));
    return card('staff-users', t('staff.users.list'), dataTable('user-list', t('staff.users.list'), head, list.map(row), { hidden: true }));
  }

  function inviteForm(): HTMLElement {
    const email = h('input', { type: 'email', class: 'input input--wide', autocomplete: 'off', 'data-testid': 'user-email', spellcheck: 'false' });
    const name = h('input', { type: 'text', class: 'input input--wide', autocomplete: 'off', 'data-testid': 'user-name' });
    const role = roleSelect('user-new-role', 'analyst', 'user-new-role');
    const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'user-invite' }, t('staff.users.invite'));
    const result = h('div', {});
    const form = h('form', { class: 'form', novalidate: true }, field('user-email', t('staff.users.email'), email), field('user-name', t('staff.users.name'), name), field('user-new-role', t('staff.users.role'), role, t('staff.users.role_help')), h('div', { class: 'actions' }, submit));
    if (invited) replace(result, inviteLink(invited));
    onSubmit(form, submit, {
      ids: { email: 'user-email', name: 'user-name', role: 'user-new-role' },
      send: async () => {
        invited = await inviteUser(session, me!.chamber_id!, { email: email.value.trim(), name: name.value.trim(), role: role.value as Role });
        list = [...list, invited.user];
        draw();
        main.querySelector<HTMLElement>('[data-testid=invite-link-text]')?.focus();
      },
      otherwise: (err) => failed(app, 'invite', err),
    });
    return card('staff-invite-user', t('staff.users.invite_title'), h('p', {}, t('staff.users.invite_lead')), form, result);
  }

  function inviteLink(i: Invited): HTMLElement {
    return h(
      'div',
      { class: 'resume-link', 'data-testid': 'invite-link' },
      h('p', {}, t('staff.users.link_text', { name: i.user.name })),
      h('p', { class: 'resume-link__warning' }, t('staff.users.link_warning')),
      copyBlock('invite-link-text', t('staff.users.link_label'), i.invite_url, 'invite-link'),
    );
  }

  function draw(): void {
    if (!me) return;
    app.title(t('staff.users.title'));
    main.replaceChildren(staffPage(app, me, 'users', t('staff.users.title'), h('p', { class: 'lead' }, t('staff.users.lead', { chamber: me.chamber_id ?? '' })), listCard(), inviteForm()));
  }

  return {
    async render(el) {
      main = el;
      app.title(t('staff.users.title'));
      me = await signedIn(app, main, () => app.navigate('/staff/users', true));
      if (!me) return;
      if (me.role !== 'chamber_admin' || !me.chamber_id) {
        main.append(staffPage(app, me, 'users', t('staff.users.title'), h('p', {}, t('staff.users.admins_only'))));
        return;
      }
      try {
        list = await getUsers(session, me.chamber_id);
      } catch (e) {
        return failed(app, 'load', e);
      }
      draw();
    },
    setLang: () => draw(),
  };
}

// Form fields of the staff pages: a label, the control, an optional help line and the line
// where the server's message about the field goes (tied to the control with
// aria-describedby, the control marked aria-invalid); and the handling of a form's submit.

import { ApiError } from './api';
import type { FieldError } from './autosave';
import { h, replace } from './dom';

/** A labelled field; the control gets id. */
export function field(id: string, label: string, control: HTMLInputElement | HTMLSelectElement, help?: string): HTMLElement {
  control.id = id;
  const described = [help ? `${id}-help` : '', `${id}-error`].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    help ? h('p', { id: `${id}-help`, class: 'small' }, help) : null,
    h('p', { id: `${id}-error`, class: 'field__error', 'data-testid': `${id}-error`, hidden: true }),
  );
}

/** Shows the message at the field of control id; "" clears it. */
export function setFieldError(root: ParentNode, id: string, message: string): void {
  const control = root.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
  const line = root.querySelector<HTMLElement>(`#${CSS.escape(id)}-error`);
  if (!control || !line) return;
  replace(line, message);
  line.hidden = !message;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

/** Clears every field's message in root. */
export function clearFieldErrors(root: ParentNode): void {
  for (const line of root.querySelectorAll<HTMLElement>('.field__error')) setFieldError(root, line.id.replace(/-error$/, ''), '');
}

/**
 * Shows the server's field messages, each at the control its path maps to (ids[path]); returns
 * the first such control (to focus) and the messages no field took.
 */
export function showFieldErrors(root: ParentNode, fields: FieldError[], ids: Record<string, string>): { first: HTMLElement | null; rest: string[] } {
  let first: HTMLElement | null = null;
  const rest: string[] = [];
  for (const f of fields) {
    const id = ids[f.path];
    const control = id ? root.querySelector<HTMLElement>(`#${CSS.escape(id)}`) : null;
    if (!control) {
      rest.push(f.message);
      continue;
    }
    setFieldError(root, id, f.message);
    first ??= control;
  }
  return { first, rest };
}

export interface SubmitOptions {
  /** The controls of the API's field names, by id, where the server's messages about fields go. */
  ids: Record<string, string>;
  /** The form's own message line, emptied on every submit. */
  problem?: HTMLElement;
  /** Checks what the browser can, after the messages are cleared; false sends nothing. */
  check?: () => boolean;
  /** Sends the form; the button is disabled meanwhile, and usable again if it throws. */
  send: () => Promise<void>;
  /** Runs on every failure, before its messages are shown. */
  failing?: () => void;
  /** A failure without field messages. */
  otherwise: (err: unknown) => void;
  /** The field messages no field took (dropped unless given). */
  unplaced?: (messages: string[]) => void;
}

/**
 * Handles the submits of form: clears its messages, checks, disables submit while sending; a
 * failure enables it again and shows the server's field messages at their fields (the focus on
 * the first) or hands the error to otherwise.
 */
export function onSubmit(form: HTMLFormElement, submit: HTMLButtonElement, o: SubmitOptions): void {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    if (o.problem) o.problem.textContent = '';
    if (o.check && !o.check()) return;
    submit.disabled = true;
    try {
      await o.send();
    } catch (err) {
      submit.disabled = false;
      o.failing?.();
      if (err instanceof ApiError && err.fields.length) {
        const { first, rest } = showFieldErrors(form, err.fields, o.ids);
        first?.focus();
        if (rest.length) o.unplaced?.(rest);
      } else {
        o.otherwise(err);
      }
    }
  });
}

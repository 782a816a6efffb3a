// The questionnaire of the current draft, rendered by the SurveyJS Form Library from the server's
// SurveyJS export; autosaved (see autosave.ts), kept on the device until the server has it,
// switchable between Japanese and English without losing answers or the page.

import { CustomError, Model, surveyLocalization, type Question } from 'survey-core';
import 'survey-core/i18n/japanese';
import 'survey-core/survey-core.fontless.css';
import { renderSurvey, unmountComponentAtNode } from 'survey-js-ui';
import { answersURL, ApiError, type Assessment, errorText, getAssessment, questionnaire, type Result, submit } from '../api';
import { Autosave, sameAnswers, type FieldError, type SaveState } from '../autosave';
import { h, replace } from '../dom';
import { isCompanion, prepareForm, questionForPath, toAnswers, toFormData, type FormData, type FormMeta, type SurveyJSON } from '../form';
import { countryName, lang, t, time, tx, type Key, type Lang } from '../i18n';
import type { App, Page } from '../main';
import { dismiss, notify } from '../notices';
import * as storage from '../storage';
import { copyField } from '../copy';
import { deleteButton } from './delete';
import { resumeLink } from './resume';
import { keepResult } from './result';

// SurveyJS's own words that show in this form, from our catalogues (its Japanese ones read
// like machine translation in places: 検索するタイプ..., 空白).
const SURVEYJS_WORDS = ['placeholder', 'filterStringPlaceholder', 'clearCaption', 'selectCaption', 'requiredError', 'numericError', 'minError', 'maxError'];
for (const l of ['ja', 'en'] as const) {
  const strings = surveyLocalization.locales[l] as Record<string, string> | undefined;
  if (strings) for (const k of SURVEYJS_WORDS) strings[k] = t(`surveyjs.${k}` as Key, undefined, l);
}

interface Form {
  json: SurveyJSON;
  meta: FormMeta;
}

/** The first visible page with an unanswered question (where a respondent new to this device resumes). */
function firstUnanswered(model: Model, meta: FormMeta): number {
  const pages = model.visiblePages;
  for (let i = 0; i < pages.length; i++) {
    const open = pages[i].questions.some((q: Question) => {
      if (!q.isVisible || isCompanion(meta, q.name)) return false;
      const companion = meta.special[q.name];
      if (companion && !model.getQuestionByName(companion)?.isEmpty()) return false;
      return q.isEmpty();
    });
    if (open) return i;
  }
  return Math.max(0, pages.length - 1);
}

export function surveyPage(app: App): Page {
  let cred: storage.Stored | undefined;
  let version: number | undefined;
  const forms: Partial<Record<Lang, Form>> = {};
  let model: Model | null = null;
  let host: HTMLElement | null = null;
  let autosave: Autosave | null = null;
  let frozen = false; // saving stopped (conflict, gone): nothing more is sent
  let submitting = false;
  let heading: HTMLElement;
  let intro: HTMLElement;
  let campaignLine: HTMLElement;
  let statusLine: HTMLElement;
  let linkPanel: HTMLElement;
  let below: HTMLElement;
  let surveyWrap: HTMLElement;
  let leaving = false;

  const onOnline = () => autosave?.retryNow();
  const onHidden = () => {
    if (document.visibilityState === 'hidden') void autosave?.flush();
  };

  async function loadForm(l: Lang): Promise<Form> {
    const cached = forms[l];
    if (cached) return cached;
    const json = await questionnaire('esr', l, version);
    const form = prepareForm(json, {
      unit: (u) => t('survey.unit', { unit: u }, l),
      country: (c) => `${countryName(c, l)} (${c})`,
      otherAnswer: (title) => t('survey.other_answer', { title }, l),
      countryColumn: t('survey.country_column', undefined, l),
    });
    forms[l] = form;
    return form;
  }

  function meta(): FormMeta {
    return (forms.ja ?? forms.en)!.meta;
  }

  // ---- status line and notices -----------------------------------------------------------

  function showState(s: SaveState): void {
    if (leaving) return;
    let text = '';
    switch (s.kind) {
      case 'idle':
        text = t('save.idle');
        break;
      case 'pending':
        text = t('save.pending');
        break;
      case 'saving':
        text = t('save.saving');
        break;
      case 'saved':
        text = s.rejected.length ? t('save.saved_except', { time: time(s.at), count: s.rejected.length }) : t('save.saved', { time: time(s.at) });
        dismiss('offline');
        dismiss('save-error');
        break;
      case 'retrying':
        text = t('save.offline');
        notify('offline', {
          kind: 'warning',
          text: t('save.offline_notice', { seconds: Math.round(s.delayMs / 1000) }),
          actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: () => autosave?.retryNow() }],
        });
        break;
      case 'conflict':
        showConflict();
        return;
      case 'gone':
        showGone();
        return;
      case 'submitted':
        frozen = true;
        text = t('save.submitted');
        notify('submitted', { kind: 'info', text: t('save.submitted_notice'), actions: [{ label: t('save.see_result'), testid: 'notice-result', run: () => app.navigate('/result') }] });
        break;
      case 'error':
        text = t('save.error');
        notify('save-error', { kind: 'error', text: s.message ? t('save.error_notice', { message: s.message }) : t('save.error') });
        break;
    }
    statusLine.textContent = text;
    statusLine.dataset.state = s.kind;
  }

  function showConflict(): void {
    frozen = true;
    statusLine.textContent = t('save.conflict');
    statusLine.dataset.state = 'conflict';
    notify('conflict', {
      kind: 'warning',
      text: t('save.conflict_notice'),
      actions: [{ label: t('save.reload'), testid: 'notice-reload', run: () => reloadFromServer() }],
    });
  }

  function showGone(): void {
    frozen = true;
    if (cred) storage.forget(cred.id);
    statusLine.textContent = t('save.gone');
    statusLine.dataset.state = 'gone';
    notify('gone', { kind: 'error', text: t('save.gone_notice'), actions: [{ label: t('save.start_again'), testid: 'notice-start', run: () => app.navigate('/') }] });
  }

  /** Drops what this device kept and shows the answers as the server has them. */
  function reloadFromServer(): void {
    if (!cred) return;
    storage.patch(cred.id, { pending: undefined, pendingBase: undefined });
    dismiss('conflict');
    app.navigate('/survey', true);
  }

  /** Shows the server's messages at their questions; with goto, opens the page of the first. */
  function showFieldErrors(fields: FieldError[], goto: boolean): number {
    if (!model) return 0;
    let first: Question | null = null;
    let shown = 0;
    for (const f of fields) {
      const q = model.getQuestionByName(questionForPath(f.path)) as Question | null;
      if (!q) continue;
      if (!q.errors.some((e) => e.text === f.message)) q.addError(new CustomError(f.message));
      shown++;
      if (!first && q.isVisible) first = q;
    }
    // SurveyJS opens the question's page, scrolls it into view and focuses it.
    if (goto && first) first.focus(true);
    return shown;
  }

  // ---- the form ------------------------------------------------------------------------------

  function build(form: Form, data: FormData, pageNo: number | undefined): void {
    const m = new Model(form.json);
    m.locale = lang();
    m.showTitle = false;
    m.showCompletedPage = false;
    m.textUpdateMode = 'onTyping';
    m.questionErrorLocation = 'top';
    m.progressBarShowPageTitles = true;
    m.mergeData(data);
    const page = pageNo ?? firstUnanswered(m, form.meta);
    m.currentPageNo = Math.min(Math.max(0, page), Math.max(0, m.visiblePageCount - 1));
    m.onValueChanged.add(() => changed());
    // Once the respondent moves to another page, SurveyJS focuses each new page's first question
    // (keyboard and screen-reader users would otherwise stay on the button they pressed, now
    // gone); not on the page drawn first, nor after a change of language.
    m.onCurrentPageChanging.add(() => {
      m.autoFocusFirstQuestion = true;
    });
    m.onCurrentPageChanged.add(() => {
      if (cred) storage.patch(cred.id, { page: m.currentPageNo });
      showIntro();
    });
    m.onCompleting.add((_, o) => {
      o.allow = false;
      void submitNow();
    });
    if (model) model.dispose();
    model = m;
    if (host) {
      unmountComponentAtNode(host);
      host.remove();
    }
    host = h('div', { class: 'survey-host', 'data-testid': 'survey' });
    surveyWrap.append(host);
    renderSurvey(m, host);
    showIntro();

  }

  function showIntro(): void {
    // The questionnaire's own introduction, on its first page only.
    intro.hidden = !model || model.currentPageNo !== 0;
  }

  function changed(): void {
    if (!model || !cred || frozen || !autosave) return;
    const data = model.data as FormData;
    storage.patch(cred.id, { pending: data, pendingBase: autosave.revision });
    autosave.update(toAnswers(data, meta()));
  }

  async function submitNow(): Promise<void> {
    if (!model || !cred || !autosave || submitting) return;
    if (frozen) {
      if (autosave.state.kind === 'conflict') showConflict();
      return;
    }
    submitting = true;
    statusLine.textContent = t('survey.submitting');
    try {
      const s = await autosave.flush();
      if (autosave.stoppedForGood) return; // the state handler says why
      if (s.kind === 'retrying') {
        notify('submit', { kind: 'error', text: t('survey.submit_offline') });
        return;
      }
      if (s.kind === 'saved' && s.rejected.length > 0) {
        showFieldErrors(s.rejected, true);
        notify('submit', { kind: 'error', text: t('survey.fix_errors', { count: s.rejected.length }) });
        return;
      }
      const r: Result = await submit(cred);
      storage.patch(cred.id, { status: 'submitted', pending: undefined, pendingBase: undefined, page: undefined, showLink: false });
      keepResult(r);
      dismiss('submit');
      app.navigate('/result');
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.fields.length) {
        const n = showFieldErrors(e.fields, true);
        notify('submit', { kind: 'error', text: t('survey.fix_errors', { count: n || e.fields.length }) });
      } else if (e instanceof ApiError && e.code === 'already_submitted') {
        app.navigate('/result');
      } else if (e instanceof ApiError && e.status === 404) {
        showGone();
      } else {
        notify('submit', { kind: 'error', text: errorText(e, 'survey.submit_offline') });
      }
    } finally {
      submitting = false;
      if (autosave && !frozen) showState(autosave.state);
    }
  }

  // ---- the page ------------------------------------------------------------------------------

  function linkBox(): HTMLElement {
    if (!cred?.showLink) return h('div', { hidden: true });
    const link = resumeLink(cred.id, cred.token);
    const { input, button: copy, status: copied } = copyField('resume-link-text', link, 'resume-link');
    const done = h('button', { type: 'button', class: 'button button--quiet', 'data-testid': 'resume-link-dismiss' }, t('link.dismiss'));
    done.addEventListener('click', () => {
      if (cred) cred = storage.patch(cred.id, { showLink: false }) ?? cred;
      linkPanel.replaceWith((linkPanel = h('div', { hidden: true })));
      statusLine.focus();
    });
    return h(
      'section',
      { class: 'resume-link', 'data-testid': 'resume-link', 'aria-labelledby': 'resume-link-heading' },
      h('h2', { id: 'resume-link-heading' }, t('link.heading')),
      h('p', {}, t('link.text')),
      h('p', { class: 'resume-link__warning' }, t('link.warning')),
      h('label', { for: 'resume-link-text', class: 'label' }, t('link.label')),
      h('div', { class: 'copy-field__row' }, input, copy),
      copied,
      h('div', { class: 'actions' }, done),
    );
  }

  function renderChrome(title: string, description: string): void {
    replace(heading, title);
    replace(intro, description);
    const c = cred?.campaign;
    replace(campaignLine, c ? t('survey.campaign', { chamber: tx(c.chamber), title: tx(c.title) }) : null);
    campaignLine.hidden = !c;
    const panel = linkBox();
    linkPanel.replaceWith(panel);
    linkPanel = panel;
    if (cred) replace(below, deleteButton(app, cred, () => autosave?.dispose()));
    if (autosave) showState(autosave.state);
    else statusLine.textContent = t('survey.loading');
  }

  async function render(main: HTMLElement): Promise<void> {
    cred = storage.current();
    if (!cred) return app.navigate('/', true);
    if (cred.status === 'submitted') return app.navigate('/result', true);
    app.title(t('survey.title'));
    heading = h('h1', { tabindex: '-1', 'data-testid': 'survey-title' }, t('survey.title'));
    intro = h('p', { class: 'lead survey-intro' });
    campaignLine = h('p', { class: 'eyebrow', 'data-testid': 'survey-campaign', hidden: true });
    statusLine = h('p', { class: 'save-status', role: 'status', 'data-testid': 'autosave-status', tabindex: '-1' }, t('survey.loading'));
    linkPanel = h('div', { hidden: true });
    surveyWrap = h('div', { class: 'survey-wrap' });
    below = h('div', { class: 'below-survey' });
    const root = h('div', { class: 'page page--survey' }, campaignLine, heading, intro, linkPanel, h('div', { class: 'save-bar' }, statusLine), surveyWrap, below);
    main.append(root);
    renderChrome(t('survey.title'), '');

    let server: Assessment | undefined;
    try {
      server = await getAssessment(cred);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return showGone();
      if (!cred.pending) {
        statusLine.textContent = t('error.network');
        notify('load', { kind: 'error', text: t('error.network'), actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: () => app.navigate('/survey', true) }] });
        return;
      }
      // Offline with answers kept on this device: carry on; autosave retries.
    }
    if (leaving) return;
    if (server?.status === 'submitted') {
      storage.patch(cred.id, { status: 'submitted', pending: undefined, pendingBase: undefined });
      return app.navigate('/result', true);
    }
    version = server?.questionnaire.version;
    let form: Form;
    try {
      form = await loadForm(lang());
    } catch {
      notify('load', { kind: 'error', text: t('error.network'), actions: [{ label: t('notice.retry'), testid: 'notice-retry', run: () => app.navigate('/survey', true) }] });
      return;
    }
    if (leaving) return;

    // Which answers to show: those kept on this device while the server has not moved on since,
    // otherwise the server's.
    let data: FormData;
    let revision: number;
    let resend = false;
    let conflict = false;
    if (cred.pending && (!server || server.revision === cred.pendingBase)) {
      data = cred.pending;
      revision = cred.pendingBase ?? cred.revision;
      resend = true;
    } else if (cred.pending && server && sameAnswers(server.answers, toAnswers(cred.pending, form.meta))) {
      // The last save landed but its reply was lost (the page was closed first): nothing to do.
      data = cred.pending;
      revision = server.revision;
      storage.patch(cred.id, { pending: undefined, pendingBase: undefined });
    } else if (cred.pending && server) {
      data = cred.pending;
      revision = server.revision;
      conflict = true;
    } else {
      data = toFormData(server?.answers ?? {}, form.meta);
      revision = server?.revision ?? cred.revision;
    }
    storage.patch(cred.id, { revision });

    const id = cred.id;
    autosave = new Autosave({
      url: answersURL(id),
      token: cred.token,
      revision,
      fetch: (url, init) => fetch(url, init),
      timers: { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (hd) => window.clearTimeout(hd as number) },
      headers: () => ({ 'Accept-Language': lang() }),
      onState: showState,
      onSaved: (rev) => {
        if (!autosave) return;
        if (autosave.settled) storage.patch(id, { revision: rev, pending: undefined, pendingBase: undefined });
        else storage.patch(id, { revision: rev, pendingBase: rev });
      },
      onRejected: (fields) => showFieldErrors(fields, false),
      checkStale: async (rev, candidates) => {
        const now = await getAssessment({ id, token: cred!.token });
        return now.revision === rev && candidates.some((c) => sameAnswers(now.answers, c));
      },
    });
    build(form, data, cred.page);
    renderChrome(form.json.title ?? t('survey.title'), form.json.description ?? '');
    if (form.json.title) app.title(form.json.title);
    if (conflict) showConflict();
    else if (resend) autosave.update(toAnswers(data, form.meta));
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onHidden);
  }

  return {
    render,
    async setLang(l) {
      if (!model) {
        // Still loading (or failed): start over in the new language.
        app.navigate('/survey', true);
        return;
      }
      const data = model.data as FormData;
      const page = model.currentPageNo;
      statusLine.textContent = t('survey.loading');
      let form: Form;
      try {
        form = await loadForm(l);
      } catch {
        notify('load', { kind: 'error', text: t('error.network') });
        if (autosave) showState(autosave.state);
        return;
      }
      build(form, data, page);
      renderChrome(form.json.title ?? t('survey.title'), form.json.description ?? '');
      if (form.json.title) app.title(form.json.title);
      if (autosave?.state.kind === 'saved' && autosave.state.rejected.length) showFieldErrors(autosave.state.rejected, false);
    },
    leave() {
      leaving = true;
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onHidden);
      if (autosave && !autosave.stoppedForGood) void autosave.flush();
      if (host) unmountComponentAtNode(host);
      model?.dispose();
      model = null;
    },
  };
}

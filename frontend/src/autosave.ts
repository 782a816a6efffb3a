// Autosave of a draft's answers: a pure module (no DOM, no globals) so that its queue, debounce,
// retry and conflict handling are tested with a fake fetch and fake timers.
//
// Every change goes through update(); after a quiet period (debounce) the newest answers are sent
// with PUT …/answers and the revision last acknowledged. One request is in flight at a time;
// changes made meanwhile are coalesced into the next request. A network failure or a 5xx is
// retried with growing delays; a 409 stale_revision stops saving for good (another tab or device
// saved first: the caller asks the respondent to reload instead of overwriting), unless the save
// that moved the revision on was this one's own whose answer was lost on the way back (a network
// failure after the server committed): checkStale tells. A 422 names the
// answers the server refuses: they are left out of later saves until they change, so one bad
// answer never holds back the others (the caller keeps them on the device).

/** Answers as the API takes them: question id → value. */
export type Answers = Record<string, unknown>;

/** One refused answer, as in the API's error shape. */
export interface FieldError {
  path: string;
  message: string;
}

/** The part of a fetch Response this module reads. */
export interface ResponseLike {
  status: number;
  json(): Promise<unknown>;
}

/** fetch, or a stand-in for it in tests. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<ResponseLike>;

/** setTimeout and clearTimeout, or fake ones in tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the autosave is doing, for the status line and the notices. */
export type SaveState =
  | { kind: 'idle' } // nothing changed since the draft was opened
  | { kind: 'pending' } // changes wait for the debounce
  | { kind: 'saving' }
  | { kind: 'saved'; revision: number; at: number; rejected: FieldError[] }
  | { kind: 'retrying'; attempt: number; delayMs: number; status?: number }
  | { kind: 'conflict'; revision?: number } // stopped: someone else saved first
  | { kind: 'gone' } // stopped: the draft was deleted or has expired (404)
  | { kind: 'submitted' } // stopped: the assessment was submitted elsewhere
  | { kind: 'error'; status: number; message?: string; fields?: FieldError[] }; // waits for the next change

export interface AutosaveOptions {
  /** The PUT …/answers URL. */
  url: string;
  /** The respondent credential, sent as a Bearer token. */
  token: string;
  /** The revision of the draft as last read from the server. */
  revision: number;
  fetch: FetchLike;
  timers: Timers;
  now?: () => number;
  /** Quiet period after a change before saving, in ms. */
  debounceMs?: number;
  /** Delays of successive retries after failures, in ms; the last repeats. */
  retryDelaysMs?: number[];
  /** Extra request headers, read at each request (e.g. Accept-Language for the messages). */
  headers?: () => Record<string, string>;
  onState?: (s: SaveState) => void;
  /** Called after each acknowledged save. */
  onSaved?: (revision: number) => void;
  /** Called with the answers the server refused (empty when none are refused any more). */
  onRejected?: (fields: FieldError[]) => void;
  /**
   * On a stale revision right after saves whose outcome is unknown (the network failed), tells
   * whether the server holds one of them: then it was this page's own save, and saving goes on.
   */
  checkStale?: (serverRevision: number, candidates: Answers[]) => Promise<boolean>;
}

const DEFAULT_DEBOUNCE = 800;
const DEFAULT_RETRY = [1000, 2000, 5000, 10000, 30000];

interface ApiErrorBody {
  error?: { code?: string; message?: string; revision?: number; fields?: FieldError[] };
}

/** Autosave keeps one draft's answers saved. */
export class Autosave {
  private readonly o: Required<Omit<AutosaveOptions, 'onState' | 'onSaved' | 'onRejected' | 'headers' | 'checkStale'>> &
    Pick<AutosaveOptions, 'onState' | 'onSaved' | 'onRejected' | 'headers' | 'checkStale'>;
  private rev: number;
  private latest: Answers | null = null;
  private seq = 0; // bumped by every update
  private acked = 0; // the seq of the newest acknowledged save
  private inFlight: Promise<void> | null = null;
  private debounce: unknown = null;
  private retry: unknown = null;
  private attempt = 0;
  private stopped = false;
  // Refused answers: question id → the JSON of the value refused, with the server's message.
  private rejected = new Map<string, { json: string; message: string }>();
  // Answers sent since the last definite reply whose requests failed on the way: one may have landed.
  private uncertain: Answers[] = [];
  private st: SaveState = { kind: 'idle' };

  constructor(opts: AutosaveOptions) {
    this.o = {
      now: Date.now,
      debounceMs: DEFAULT_DEBOUNCE,
      retryDelaysMs: DEFAULT_RETRY,
      ...opts,
    };
    this.rev = opts.revision;
  }

  /** The current state. */
  get state(): SaveState {
    return this.st;
  }

  /** The revision last acknowledged by the server. */
  get revision(): number {
    return this.rev;
  }

  /** Whether changes have not been acknowledged yet. */
  get dirty(): boolean {
    return this.seq > this.acked;
  }

  /** Whether everything given to update() is stored on the server (nothing pending or left out). */
  get settled(): boolean {
    return !this.dirty && this.rejected.size === 0;
  }

  /** Whether saving has stopped for good (conflict, gone, submitted). */
  get stoppedForGood(): boolean {
    return this.stopped;
  }

  /** Records a change: the whole answer set as it is now. Saved after the debounce. */
  update(answers: Answers): void {
    if (this.stopped) return;
    this.latest = answers;
    this.seq++;
    if (this.retry !== null) return; // a retry is scheduled: it will send the newest answers
    this.clearDebounce();
    this.debounce = this.o.timers.setTimeout(() => {
      this.debounce = null;
      void this.send();
    }, this.o.debounceMs);
    if (!this.inFlight) this.setState({ kind: 'pending' });
  }

  /**
   * Saves now whatever is pending (skipping the debounce and any retry delay) and resolves when
   * the queue is empty or saving cannot go on. Used before submitting and when the page is hidden.
   */
  async flush(): Promise<SaveState> {
    this.clearDebounce();
    this.clearRetry();
    for (let guard = 0; guard < 100; guard++) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      if (this.stopped || !this.dirty) break;
      const before = this.acked;
      await this.send();
      if (this.acked === before) break; // failed: the state says why (a retry may be scheduled)
    }
    return this.st;
  }

  /** Retries at once (e.g. when the browser comes back online). */
  retryNow(): void {
    if (this.retry === null) return;
    this.clearRetry();
    void this.send();
  }

  /** Stops timers; nothing is sent afterwards. */
  dispose(): void {
    this.stopped = true;
    this.clearDebounce();
    this.clearRetry();
  }

  /** The answers to send: the newest ones less those refused unchanged. */
  private payload(): { answers: Answers; left: string[] } {
    const answers: Answers = {};
    const left: string[] = [];
    for (const [k, v] of Object.entries(this.latest ?? {})) {
      const r = this.rejected.get(k);
      if (r && r.json === JSON.stringify(v)) {
        left.push(k);
        continue;
      }
      answers[k] = v;
    }
    return { answers, left };
  }

  /** Sends the newest answers, then again while a save must follow at once; one at a time. */
  private send(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.stopped || !this.dirty) return Promise.resolve();
    const p = (async () => {
      while (!this.stopped && this.dirty && (await this.doSend()));
    })().finally(() => {
      this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  /** Sends one request; returns whether another must follow at once. */
  private async doSend(): Promise<boolean> {
    const seq = this.seq;
    const { answers, left } = this.payload();
    const sent = JSON.stringify(answers);
    this.setState({ kind: 'saving' });
    let res: ResponseLike;
    try {
      res = await this.o.fetch(this.o.url, {
        method: 'PUT',
        headers: {
          ...(this.o.headers?.() ?? {}),
          'Content-Type': 'application/json',
          Authorization: `Bearer ${this.o.token}`,
        },
        body: JSON.stringify({ answers, revision: this.rev }),
      });
    } catch {
      this.uncertain.push(answers);
      this.scheduleRetry();
      return false;
    }
    if (this.stopped) return false;
    const body = (await res.json().catch(() => ({}))) as ApiErrorBody & { revision?: number };
    const uncertain = this.uncertain;
    this.uncertain = [];
    if (res.status === 200 && typeof body.revision === 'number') {
      this.rev = body.revision;
      this.acked = seq;
      this.attempt = 0;
      // Every refused answer that was sent this time (it changed) has now been accepted.
      for (const k of [...this.rejected.keys()]) if (!left.includes(k)) this.rejected.delete(k);
      this.o.onSaved?.(this.rev);
      this.o.onRejected?.(this.rejectedFields());
      // Changes made meanwhile: saved at once, unless their debounce is still running.
      if (this.dirty && this.debounce === null) return true;
      this.setState(this.dirty ? { kind: 'pending' } : { kind: 'saved', revision: this.rev, at: this.o.now(), rejected: this.rejectedFields() });
      return false;
    }
    const err = body.error ?? {};
    if (res.status === 409 && err.code === 'already_submitted') return this.stop({ kind: 'submitted' });
    if (res.status === 409) {
      // One save of ours may have landed with its reply lost: then the server is one revision on,
      // holding those answers, and this is no conflict.
      if (uncertain.length && err.revision === this.rev + 1 && this.o.checkStale) {
        const ours = await this.o.checkStale(err.revision, uncertain).catch(() => false);
        if (this.stopped) return false;
        if (ours) {
          this.rev = err.revision;
          return true; // send the newest answers on top of it
        }
      }
      return this.stop({ kind: 'conflict', revision: err.revision });
    }
    if (res.status === 404 || res.status === 410) return this.stop({ kind: 'gone' });
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      this.scheduleRetry(res.status);
      return false;
    }
    if (res.status === 422 && err.fields?.length) {
      let fixable = false;
      for (const f of err.fields) {
        if (f.path in answers) {
          this.rejected.set(f.path, { json: JSON.stringify(answers[f.path]), message: f.message });
          fixable = true;
        }
      }
      this.o.onRejected?.(this.rejectedFields());
      // Save the others now, without the refused answers, unless that changes nothing.
      if (fixable && JSON.stringify(this.payload().answers) !== sent) return true;
    }
    this.setState({ kind: 'error', status: res.status, message: err.message, fields: err.fields });
    return false;
  }

  private rejectedFields(): FieldError[] {
    return [...this.rejected].map(([path, r]) => ({ path, message: r.message }));
  }

  private scheduleRetry(status?: number): void {
    if (this.stopped) return;
    const d = this.o.retryDelaysMs;
    const delayMs = d[Math.min(this.attempt, d.length - 1)];
    this.attempt++;
    this.clearDebounce(); // the retry sends the newest answers
    this.retry = this.o.timers.setTimeout(() => {
      this.retry = null;
      void this.send();
    }, delayMs);
    this.setState({ kind: 'retrying', attempt: this.attempt, delayMs, status });
  }

  private stop(s: SaveState): false {
    this.stopped = true;
    this.clearDebounce();
    this.clearRetry();
    this.setState(s);
    return false;
  }

  private clearDebounce(): void {
    if (this.debounce !== null) this.o.timers.clearTimeout(this.debounce);
    this.debounce = null;
  }

  private clearRetry(): void {
    if (this.retry !== null) this.o.timers.clearTimeout(this.retry);
    this.retry = null;
  }

  private setState(s: SaveState): void {
    this.st = s;
    this.o.onState?.(s);
  }
}

/** JSON with object keys sorted, so that equal answers give equal strings. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return '{' + Object.keys(o).filter((k) => o[k] !== null && o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canonical(o[k])).join(',') + '}';
  }
  return JSON.stringify(v) ?? 'null';
}

/** Whether two answer sets are the same (key order and null answers aside). */
export function sameAnswers(a: Answers, b: Answers): boolean {
  return canonical(a) === canonical(b);
}

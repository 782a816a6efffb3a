import { describe, expect, it } from 'vitest';
import { Autosave, canonical, sameAnswers, type AutosaveOptions, type FetchLike, type ResponseLike, type SaveState, type Timers } from './autosave';

/** Lets every pending promise callback run (a real macrotask turn). */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** Timers that move only when the test says so. */
class FakeTimers implements Timers {
  now = 0;
  private queue: { id: number; at: number; fn: () => void }[] = [];
  private next = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.queue.push({ id, at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }

  get pending(): number[] {
    return this.queue.map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves the clock by ms, running each timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const due = this.queue.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.now = due.at;
      this.clearTimeout(due.id);
      due.fn();
    }
    this.now = end;
    await settle();
  }
}

interface Call {
  answers: Record<string, unknown>;
  revision: number;
  auth: string;
}

type Reply = { status: number; body: unknown } | 'network' | Promise<{ status: number; body: unknown }>;

/** A fetch that records each PUT and answers from a script (default: 200 with the next revision). */
function fakeFetch(script: Reply[] = []) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (_url, init) => {
    const req = JSON.parse(init.body) as { answers: Record<string, unknown>; revision: number };
    calls.push({ answers: req.answers, revision: req.revision, auth: init.headers.Authorization });
    const reply = script.shift() ?? { status: 200, body: { revision: req.revision + 1 } };
    if (reply === 'network') throw new TypeError('Failed to fetch');
    const r = await reply;
    const res: ResponseLike = { status: r.status, json: async () => r.body };
    return res;
  };
  return { fetch, calls };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(script: Reply[] = [], extra: Partial<AutosaveOptions> = {}) {
  const timers = new FakeTimers();
  const { fetch, calls } = fakeFetch(script);
  const states: SaveState[] = [];
  const saved: number[] = [];
  const a = new Autosave({
    url: '/api/v1/assessments/a1/answers',
    token: 'tok',
    revision: 0,
    fetch,
    timers,
    now: () => timers.now,
    onState: (s) => states.push(s),
    onSaved: (r) => saved.push(r),
    ...extra,
  });
  return { a, timers, calls, states, saved };
}

describe('debounce', () => {
  it('saves once, after 800 ms without changes, the newest answers', async () => {
    const { a, timers, calls } = setup();
    a.update({ q1: 'a' });
    await timers.advance(500);
    a.update({ q1: 'b' });
    await timers.advance(500);
    a.update({ q1: 'b', q2: 3 });
    await timers.advance(799);
    expect(calls).toHaveLength(0);
    expect(a.state.kind).toBe('pending');
    await timers.advance(1);
    expect(calls).toEqual([{ answers: { q1: 'b', q2: 3 }, revision: 0, auth: 'Bearer tok' }]);
    expect(a.state).toMatchObject({ kind: 'saved', revision: 1 });
    expect(a.dirty).toBe(false);
    expect(a.settled).toBe(true);
  });

  it('carries the acknowledged revision into the next save', async () => {
    const { a, timers, calls, saved } = setup();
    a.update({ q1: 'a' });
    await timers.advance(800);
    a.update({ q1: 'b' });
    await timers.advance(800);
    expect(calls.map((c) => c.revision)).toEqual([0, 1]);
    expect(saved).toEqual([1, 2]);
    expect(a.revision).toBe(2);
  });

  it('takes its quiet period from the options', async () => {
    const { a, timers, calls } = setup([], { debounceMs: 100 });
    a.update({ q1: 'a' });
    await timers.advance(100);
    expect(calls).toHaveLength(1);
  });
});

describe('queue', () => {
  it('keeps one request in flight and sends changes made meanwhile right after it', async () => {
    const slow = deferred<{ status: number; body: unknown }>();
    const { a, timers, calls } = setup([slow.promise]);
    a.update({ q1: 'a' });
    await timers.advance(800);
    expect(calls).toHaveLength(1);
    expect(a.state.kind).toBe('saving');
    a.update({ q1: 'b' });
    a.update({ q1: 'c' });
    await timers.advance(2000); // the debounce ran out while the first save was still in flight
    expect(calls).toHaveLength(1);
    slow.resolve({ status: 200, body: { revision: 1 } });
    await timers.advance(0);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ answers: { q1: 'c' }, revision: 1 });
    expect(a.state).toMatchObject({ kind: 'saved', revision: 2 });
  });

  it('waits for the debounce of changes made during a save', async () => {
    const slow = deferred<{ status: number; body: unknown }>();
    const { a, timers, calls } = setup([slow.promise]);
    a.update({ q1: 'a' });
    await timers.advance(800);
    a.update({ q1: 'b' });
    slow.resolve({ status: 200, body: { revision: 1 } });
    await timers.advance(0);
    expect(calls).toHaveLength(1);
    expect(a.state.kind).toBe('pending');
    expect(a.dirty).toBe(true);
    await timers.advance(800);
    expect(calls).toHaveLength(2);
    expect(a.dirty).toBe(false);
  });

  it('flush saves at once and resolves when all is saved', async () => {
    const { a, timers, calls } = setup();
    a.update({ q1: 'a' });
    const s = await a.flush();
    expect(s).toMatchObject({ kind: 'saved', revision: 1 });
    expect(calls).toHaveLength(1);
    expect(timers.pending).toEqual([]); // the debounce is gone
  });

  it('flush with nothing to save sends nothing', async () => {
    const { a, calls } = setup();
    await a.flush();
    expect(calls).toHaveLength(0);
  });
});

describe('retry', () => {
  it('retries a network failure with growing delays, then saves the newest answers', async () => {
    const { a, timers, calls, states } = setup(['network', 'network', 'network']);
    a.update({ q1: 'a' });
    await timers.advance(800);
    expect(a.state).toMatchObject({ kind: 'retrying', attempt: 1, delayMs: 1000 });
    await timers.advance(1000);
    expect(a.state).toMatchObject({ kind: 'retrying', attempt: 2, delayMs: 2000 });
    a.update({ q1: 'b' }); // a change while offline does not send early
    await timers.advance(1999);
    expect(calls).toHaveLength(2);
    await timers.advance(1);
    expect(a.state).toMatchObject({ kind: 'retrying', attempt: 3, delayMs: 5000 });
    await timers.advance(5000);
    expect(calls).toHaveLength(4);
    expect(calls[3]).toMatchObject({ answers: { q1: 'b' }, revision: 0 });
    expect(a.state).toMatchObject({ kind: 'saved', revision: 1 });
    expect(states.filter((s) => s.kind === 'retrying')).toHaveLength(3);
  });

  it('retries server errors but not a bad request', async () => {
    const { a, timers, calls } = setup([
      { status: 503, body: { error: { code: 'not_ready' } } },
      { status: 400, body: { error: { code: 'invalid_body', message: 'bad' } } },
    ]);
    a.update({ q1: 'a' });
    await timers.advance(800);
    expect(a.state).toMatchObject({ kind: 'retrying', status: 503 });
    await timers.advance(1000);
    expect(a.state).toMatchObject({ kind: 'error', status: 400, message: 'bad' });
    await timers.advance(60000);
    expect(calls).toHaveLength(2); // not retried by itself...
    a.update({ q1: 'b' });
    await timers.advance(800);
    expect(calls).toHaveLength(3); // ...but with the next change
    expect(a.state.kind).toBe('saved');
  });

  it('repeats the last delay and resets after a success', async () => {
    const { a, timers } = setup(['network', 'network', 'network'], { retryDelaysMs: [10, 20] });
    a.update({ q1: 'a' });
    await timers.advance(800);
    await timers.advance(10);
    await timers.advance(20);
    expect(a.state).toMatchObject({ kind: 'retrying', attempt: 3, delayMs: 20 });
    await timers.advance(20);
    expect(a.state.kind).toBe('saved');
    // The next failure starts from the first delay again.
    const b = setup(['network'], { retryDelaysMs: [10, 20] });
    b.a.update({ q: 1 });
    await b.timers.advance(800);
    expect(b.a.state).toMatchObject({ delayMs: 10 });
  });

  it('retryNow skips the wait', async () => {
    const { a, timers, calls } = setup(['network']);
    a.update({ q1: 'a' });
    await timers.advance(800);
    a.retryNow();
    await timers.advance(0);
    expect(calls).toHaveLength(2);
    expect(a.state.kind).toBe('saved');
  });

  it('flush during a retry tries at once and keeps retrying if it fails', async () => {
    const { a, timers, calls } = setup(['network', 'network']);
    a.update({ q1: 'a' });
    await timers.advance(800);
    const s = await a.flush();
    expect(s.kind).toBe('retrying');
    expect(calls).toHaveLength(2);
    expect(timers.pending).toEqual([2000]);
    await timers.advance(2000);
    expect(a.state.kind).toBe('saved');
  });
});

describe('conflict', () => {
  it('stops for good on a stale revision and never overwrites', async () => {
    const { a, timers, calls } = setup([{ status: 409, body: { error: { code: 'stale_revision', revision: 4 } } }]);
    a.update({ q1: 'a' });
    await timers.advance(800);
    expect(a.state).toEqual({ kind: 'conflict', revision: 4 });
    expect(a.stoppedForGood).toBe(true);
    a.update({ q1: 'b' });
    await a.flush();
    await timers.advance(10000);
    expect(calls).toHaveLength(1);
    expect(a.state.kind).toBe('conflict');
  });

  it('tells a submitted assessment and a vanished draft apart', async () => {
    const s = setup([{ status: 409, body: { error: { code: 'already_submitted' } } }]);
    s.a.update({ q1: 'a' });
    await s.timers.advance(800);
    expect(s.a.state.kind).toBe('submitted');

    const g = setup([{ status: 404, body: { error: { code: 'not_found' } } }]);
    g.a.update({ q1: 'a' });
    await g.timers.advance(800);
    expect(g.a.state.kind).toBe('gone');
    g.a.update({ q1: 'b' });
    await g.timers.advance(800);
    expect(g.calls).toHaveLength(1);
  });
});

describe('lost replies', () => {
  it('takes a stale revision for its own save when the server holds what was sent', async () => {
    const checked: { rev: number; candidates: unknown[] }[] = [];
    const { a, timers, calls } = setup(
      ['network', { status: 409, body: { error: { code: 'stale_revision', revision: 1 } } }],
      {
        checkStale: async (rev, candidates) => {
          checked.push({ rev, candidates });
          return candidates.some((c) => sameAnswers(c, { q1: 'a' }));
        },
      },
    );
    a.update({ q1: 'a' }); // reaches the server, but its reply is lost
    await timers.advance(800);
    a.update({ q1: 'a', q2: 'b' });
    await timers.advance(1000); // the retry: 409, the server is at revision 1
    expect(checked).toEqual([{ rev: 1, candidates: [{ q1: 'a' }] }]);
    expect(calls.map((c) => c.revision)).toEqual([0, 0, 1]);
    expect(calls[2].answers).toEqual({ q1: 'a', q2: 'b' });
    expect(a.state).toMatchObject({ kind: 'saved', revision: 2 });
  });

  it('is a conflict when the server holds something else', async () => {
    const { a, timers } = setup(['network', { status: 409, body: { error: { code: 'stale_revision', revision: 1 } } }], {
      checkStale: async () => false,
    });
    a.update({ q1: 'a' });
    await timers.advance(800);
    await timers.advance(1000);
    expect(a.state).toEqual({ kind: 'conflict', revision: 1 });
  });

  it('does not ask after a definite reply, nor when the server moved on by more than one save', async () => {
    let asked = 0;
    const checkStale = async () => {
      asked++;
      return true;
    };
    const s1 = setup([{ status: 409, body: { error: { code: 'stale_revision', revision: 1 } } }], { checkStale });
    s1.a.update({ q: 1 });
    await s1.timers.advance(800);
    expect(s1.a.state.kind).toBe('conflict');
    const s2 = setup(['network', { status: 409, body: { error: { code: 'stale_revision', revision: 5 } } }], { checkStale });
    s2.a.update({ q: 1 });
    await s2.timers.advance(1800);
    expect(s2.a.state.kind).toBe('conflict');
    expect(asked).toBe(0);
  });

  it('compares answers whatever the order of keys', () => {
    expect(canonical({ b: [1, { y: 2, x: 1 }], a: 'x', n: null })).toBe('{"a":"x","b":[1,{"x":1,"y":2}]}');
    expect(sameAnswers({ a: 1, b: { CN: 60, JP: 40 } }, { b: { JP: 40, CN: 60 }, a: 1 })).toBe(true);
    expect(sameAnswers({ a: 1 }, { a: 2 })).toBe(false);
  });
});

describe('refused answers', () => {
  it('saves the other answers without the refused one, and sends it again once changed', async () => {
    const rejected: string[][] = [];
    const { a, timers, calls } = setup(
      [{ status: 422, body: { error: { code: 'validation_failed', fields: [{ path: 'pct', message: 'at most 100' }] } } }],
      { onRejected: (f) => rejected.push(f.map((x) => x.path)) },
    );
    a.update({ q1: 'a', pct: 120 });
    await timers.advance(800);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ answers: { q1: 'a' }, revision: 0 });
    expect(a.state).toMatchObject({ kind: 'saved', revision: 1, rejected: [{ path: 'pct', message: 'at most 100' }] });
    expect(a.dirty).toBe(false);
    expect(a.settled).toBe(false); // the refused answer lives only on the device
    a.update({ q1: 'b', pct: 120 }); // unchanged: still left out
    await timers.advance(800);
    expect(calls[2].answers).toEqual({ q1: 'b' });
    a.update({ q1: 'b', pct: 90 });
    await timers.advance(800);
    expect(calls[3].answers).toEqual({ q1: 'b', pct: 90 });
    expect(a.settled).toBe(true);
    expect(rejected.at(-1)).toEqual([]);
  });

  it('reports an error it cannot work around', async () => {
    const { a, timers, calls } = setup([
      { status: 422, body: { error: { code: 'validation_failed', message: 'no', fields: [{ path: 'answers', message: 'x' }] } } },
    ]);
    a.update({ q1: 'a' });
    await timers.advance(800);
    expect(calls).toHaveLength(1);
    expect(a.state).toMatchObject({ kind: 'error', status: 422 });
  });
});

describe('headers', () => {
  it('sends the extra headers, the credential and JSON', async () => {
    let seen: Record<string, string> = {};
    const a = new Autosave({
      url: '/x',
      token: 't',
      revision: 7,
      timers: new FakeTimers(),
      headers: () => ({ 'Accept-Language': 'en' }),
      fetch: async (_u, init) => {
        seen = init.headers;
        return { status: 200, json: async () => ({ revision: 8 }) };
      },
    });
    a.update({ q: 1 });
    await a.flush();
    expect(seen).toEqual({ 'Accept-Language': 'en', 'Content-Type': 'application/json', Authorization: 'Bearer t' });
    expect(a.revision).toBe(8);
  });
});

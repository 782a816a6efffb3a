import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { Session, SignedOut, type SessionOptions } from './session';

const user = { id: 'u1', email: 'a@example.jp', name: '管理太郎', role: 'chamber_admin', chamber_id: 'osaka-cci', active: true, invited: false, disabled: false, created_at: '2026-01-01T00:00:00Z' };
const NOW = Date.parse('2026-12-01T00:00:00Z');

/** A grant expiring minutes after NOW. */
const grant = (token: string, minutes = 15) => ({ access_token: token, expires_at: new Date(NOW + minutes * 60_000).toISOString(), user });

interface Call {
  url: string;
  method: string;
  auth?: string;
  credentials?: string;
}

type Handler = (c: Call) => { status: number; body?: unknown; headers?: Record<string, string> } | Promise<{ status: number; body?: unknown }> | 'network';

/** A fetch that records each call and answers from handler. */
function server(handler: Handler) {
  const calls: Call[] = [];
  const fetch: SessionOptions['fetch'] = async (url, init) => {
    const h = (init.headers ?? {}) as Record<string, string>;
    const c = { url, method: init.method ?? 'GET', auth: h.Authorization, credentials: init.credentials };
    calls.push(c);
    const r = await handler(c);
    if (r === 'network') throw new TypeError('Failed to fetch');
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json', ...('headers' in r ? r.headers : {}) } });
  };
  return { calls, fetch };
}

const error = (status: number, code: string) => ({ status, body: { error: { code, message: code } } });

function session(handler: Handler, opts: Partial<SessionOptions> = {}) {
  const s = server(handler);
  return { ...s, session: new Session({ fetch: s.fetch, lang: () => 'ja', now: () => NOW, ...opts }) };
}

describe('Session', () => {
  it('logs in and sends the access token, with the cookie only to the auth routes', async () => {
    const { calls, session: s } = session((c) => (c.url.endsWith('/auth/login') ? { status: 200, body: grant('A') } : { status: 200, body: { campaigns: [] } }));
    expect((await s.login('a@example.jp', 'pw')).name).toBe('管理太郎');
    await s.json('/campaigns');
    expect(calls.map((c) => [c.url, c.auth, c.credentials])).toEqual([
      ['/api/v1/auth/login', undefined, 'same-origin'],
      ['/api/v1/campaigns', 'Bearer A', undefined],
    ]);
  });

  it('restores a session from the refresh cookie on load, and says when there is none', async () => {
    const { session: s } = session((c) => (c.url.endsWith('/auth/refresh') ? { status: 200, body: grant('R') } : { status: 404 }));
    expect((await s.restore())?.id).toBe('u1');
    const none = session(() => error(401, 'invalid_refresh')).session;
    expect(await none.restore()).toBeNull();
  });

  it('renews the token once on a 401 and repeats the call', async () => {
    const { calls, session: s } = session((c) => {
      if (c.url.endsWith('/auth/login')) return { status: 200, body: grant('A') };
      if (c.url.endsWith('/auth/refresh')) return { status: 200, body: grant('B') };
      return c.auth === 'Bearer B' ? { status: 200, body: { ok: true } } : error(401, 'unauthenticated'); // A was revoked
    });
    await s.login('a', 'b');
    expect(await s.json('/me')).toEqual({ ok: true });
    await s.json('/me');
    expect(calls.map((c) => c.url.replace('/api/v1', '') + (c.auth ? ' ' + c.auth : ''))).toEqual(['/auth/login', '/me Bearer A', '/auth/refresh', '/me Bearer B', '/me Bearer B']);
  });

  it('gives up after one renewal: a second 401 is the answer', async () => {
    const { calls, session: s } = session((c) => (c.url.includes('/auth/') ? { status: 200, body: grant('A') } : error(401, 'unauthenticated')));
    await s.login('a', 'b');
    const e = (await s.json('/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(calls).toHaveLength(4); // login, /me, refresh, /me
  });

  it('shares one refresh between calls that fail at once (a refresh token is good for one use)', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { calls, session: s } = session(async (c) => {
      if (c.url.endsWith('/auth/refresh')) {
        await held;
        return { status: 200, body: grant('B') };
      }
      return c.auth === 'Bearer B' ? { status: 200, body: { ok: 1 } } : error(401, 'unauthenticated');
    });
    const all = Promise.all([s.json('/a'), s.json('/b'), s.json('/c')]);
    release();
    expect(await all).toEqual([{ ok: 1 }, { ok: 1 }, { ok: 1 }]);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
  });

  it('refreshes under the lock shared by the tabs', async () => {
    const order: string[] = [];
    const exclusive = async <T>(fn: () => Promise<T>) => {
      order.push('lock');
      const r = await fn();
      order.push('unlock');
      return r;
    };
    const { session: s } = session(() => {
      order.push('refresh');
      return { status: 200, body: grant('R') };
    }, { exclusive });
    await s.restore();
    expect(order).toEqual(['lock', 'refresh', 'unlock']);
  });

  it('renews a token about to expire before the call rather than after a 401', async () => {
    let now = NOW;
    const { calls, session: s } = session((c) => (c.url.endsWith('/auth/login') ? { status: 200, body: grant('A', 1) } : c.url.endsWith('/auth/refresh') ? { status: 200, body: grant('B') } : { status: 200, body: {} }), { now: () => now });
    await s.login('a', 'b');
    now += 45_000; // 15 s left: within the margin
    await s.json('/me');
    expect(calls.map((c) => c.url.replace('/api/v1', '') + (c.auth ? ' ' + c.auth : ''))).toEqual(['/auth/login', '/auth/refresh', '/me Bearer B']);
  });

  it('ends the session when the refresh is refused, and tells the listeners once', async () => {
    let ends = 0;
    const { session: s } = session((c) => (c.url.endsWith('/auth/login') ? { status: 200, body: grant('A') } : c.url.endsWith('/auth/refresh') ? error(401, 'invalid_refresh') : error(401, 'unauthenticated')));
    s.onEnd(() => ends++);
    await s.login('a', 'b');
    await expect(s.json('/me')).rejects.toBeInstanceOf(SignedOut);
    expect(s.user).toBeNull();
    await expect(s.json('/me')).rejects.toBeInstanceOf(SignedOut);
    expect(ends).toBe(1);
  });

  it('keeps the session when the server cannot be reached', async () => {
    const { session: s } = session((c) => (c.url.endsWith('/auth/login') ? { status: 200, body: grant('A') } : 'network'));
    await s.login('a', 'b');
    const e = await s.json('/me').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(0);
    expect(s.user?.id).toBe('u1');
  });

  it('passes the API error of a call on, with its fields', async () => {
    const { session: s } = session((c) =>
      c.url.endsWith('/auth/login') ? { status: 200, body: grant('A') } : { status: 400, body: { error: { code: 'invalid_body', message: 'bad', fields: [{ path: 'title_ja', message: 'required' }] } } },
    );
    await s.login('a', 'b');
    const e = (await s.json('/campaigns', 'POST', {}).catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code, e.fields]).toEqual([400, 'invalid_body', [{ path: 'title_ja', message: 'required' }]]);
  });

  it('reads Retry-After of a refused login', async () => {
    const { session: s } = session(() => ({ status: 429, body: { error: { code: 'too_many_attempts', message: 'wait' } }, headers: { 'Retry-After': '42' } }));
    const e = (await s.login('a', 'b').catch((x: unknown) => x)) as ApiError;
    expect([e.code, e.retryAfter]).toEqual(['too_many_attempts', 42]);
  });

  it('forgets the token on logout even when the server cannot be reached', async () => {
    let up = true;
    const { session: s } = session(() => (up ? { status: 200, body: grant('A') } : 'network'));
    await s.login('a', 'b');
    up = false;
    await s.logout().catch(() => undefined);
    expect(s.user).toBeNull();
  });
});

// The session of chamber staff. The access token lives in this object only (never in
// localStorage or sessionStorage, where any script of the origin could read it); the refresh
// token is an HttpOnly cookie the browser sends to /api/v1/auth only. On load, and whenever a
// call answers 401, one POST /auth/refresh gets a new access token. The server rotates the
// refresh token on every use and treats a second use of the same one as theft (it revokes the
// whole family), so refreshes never overlap: one at a time in this page, and, through
// `exclusive` (the Web Locks API), one at a time across the browser's tabs.
//
// Pure: fetch, the clock and the lock are injected.

import { ApiError, reach, toApiError } from './api';

export type Role = 'admin' | 'chamber_admin' | 'analyst';

/** A staff account as the API shows it. */
export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  chamber_id?: string;
  active: boolean;
  invited: boolean;
  disabled: boolean;
  created_at: string;
}

interface Grant {
  access_token: string;
  expires_at: string;
  user: StaffUser;
}

export interface SessionOptions {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The language of the server's messages. */
  lang: () => string;
  now?: () => number;
  /** Runs fn while no other tab of this browser refreshes (default: at once). */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
}

const BASE = '/api/v1';
/** An access token this close to its expiry is renewed before a call rather than after a 401. */
const MARGIN_MS = 30_000;

/** Thrown by a call when the session is over (or there was none): log in again. */
export class SignedOut extends ApiError {
  constructor() {
    super(401, 'signed_out', 'signed out');
  }
}

export class Session {
  private access: { token: string; expires: number } | null = null;
  private refreshing: Promise<boolean> | null = null;
  private listeners: (() => void)[] = [];
  /** The signed-in user, or null. */
  user: StaffUser | null = null;

  constructor(private readonly opts: SessionOptions) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private headers(json = false): Record<string, string> {
    const h: Record<string, string> = { 'Accept-Language': this.opts.lang() };
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  private grant(g: Grant): StaffUser {
    this.access = { token: g.access_token, expires: Date.parse(g.expires_at) };
    this.user = g.user;
    return g.user;
  }

  /** Forgets the session in this page and tells the listeners. */
  private end(): void {
    const had = this.access !== null || this.user !== null;
    this.access = null;
    this.user = null;
    if (had) for (const fn of this.listeners) fn();
  }

  /** Calls fn when the session ends (refresh refused, logout). */
  onEnd(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Logs in; the server sets the refresh cookie. Throws ApiError (401 invalid_credentials, 429 too_many_attempts…). */
  async login(email: string, password: string): Promise<StaffUser> {
    const res = await reach(this.opts.fetch, `${BASE}/auth/login`, {
      method: 'POST',
      headers: this.headers(true),
      credentials: 'same-origin',
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw await toApiError(res);
    return this.grant((await res.json()) as Grant);
  }

  /** The signed-in user, renewing the session from the cookie if this page has none; null when there is none. */
  async restore(): Promise<StaffUser | null> {
    if (this.user && this.access) return this.user;
    return (await this.refresh()) ? this.user : null;
  }

  /**
   * Gets a new access token with the refresh cookie: true when it did, false when the server
   * refused (no session, or it ended). One at a time: a call made while one runs shares it.
   * Failing to reach the server throws (the session may still be good).
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      const run = () => this.doRefresh();
      const p = this.opts.exclusive ? this.opts.exclusive(run) : run();
      this.refreshing = p.finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const res = await reach(this.opts.fetch, `${BASE}/auth/refresh`, { method: 'POST', headers: this.headers(), credentials: 'same-origin' });
    if (res.ok) {
      this.grant((await res.json()) as Grant);
      return true;
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      this.end();
      return false;
    }
    throw await toApiError(res);
  }

  /** A fresh enough access token, refreshing first when needed; SignedOut when there is no session. */
  private async token(): Promise<string> {
    if (!this.access || this.access.expires - MARGIN_MS <= this.now()) {
      if (!(await this.refresh())) throw new SignedOut();
    }
    return this.access!.token;
  }

  /**
   * Calls the API (path under /api/v1) with the access token. A 401 renews the token once and
   * repeats the call; an error answer throws ApiError, the end of the session SignedOut.
   */
  async request(path: string, init: RequestInit = {}, json = false): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const headers = { ...this.headers(json), ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
      const res = await reach(this.opts.fetch, BASE + path, { ...init, headers });
      if (res.ok) return res;
      if (res.status !== 401 || attempt > 0) throw await toApiError(res);
      // Expired or revoked: renew once, unless another call already has.
      if (this.access?.token === token) this.access = null;
    }
  }

  /** A JSON call: body (when given) is sent as JSON, the answer read as JSON. */
  async json<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    const res = await this.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) }, body !== undefined);
    return (await res.json()) as T;
  }

  /** Logs out: the server revokes the refresh token and clears the cookie. */
  async logout(): Promise<void> {
    try {
      await reach(this.opts.fetch, `${BASE}/auth/logout`, { method: 'POST', headers: this.headers(), credentials: 'same-origin' });
    } finally {
      this.end();
    }
  }
}

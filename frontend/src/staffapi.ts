// The staff API (internal/httpapi: accounts.go, staff.go, campaigns.go, campaign_io.go,
// exports.go), typed for the chamber pages. Every call but accept goes through the Session,
// which adds the access token and renews it.

import type { Aggregate, Filter } from './aggregate';
import { fileName, post, type Text } from './api';
import type { Role, Session, StaffUser } from './session';

export type Status = 'scheduled' | 'open' | 'closed';

export interface Campaign {
  id: string;
  questionnaire: { id: string; version: number };
  title: Text;
  opens: string;
  closes: string;
  k: number;
  status: Status;
  open_url?: string;
  created_at: string;
}

export interface NewCampaign {
  questionnaire_id: string;
  title: Text;
  opens: string;
  closes: string;
  k: number;
  open_link: boolean;
}

export interface Count {
  group?: string;
  invited: number;
  started: number;
  submitted: number;
  /** Percent of the invited firms that submitted; null without invitations. */
  rate: number | null;
}

export interface Pending {
  firm: string;
  email: string;
  size_band?: string;
  sector?: string;
  prefecture?: string;
  started: boolean;
  sent_at?: string;
}

export interface Progress {
  total: Count;
  by_size: Count[];
  by_sector: Count[];
  open_link_started: number;
  open_link_submitted: number;
  consenting: number;
  pending: Pending[];
}

export interface LineError {
  line: number;
  column?: string;
  field?: string;
  code: string;
  warning: boolean;
  message: string;
}

export interface Upload {
  added: number;
  already_invited: number;
  errors: LineError[];
}

export interface Results {
  campaign: Campaign;
  filter: Filter | null;
  filters: Filter[];
  aggregate: Aggregate;
}

export interface Invited {
  user: StaffUser;
  invite_url: string;
}

const id = encodeURIComponent;

/** Sets the password of an invited account from its link (no session needed). */
export const accept = (token: string, password: string) => post<StaffUser>('/auth/accept', { token, password });

export const campaigns = (s: Session) => s.json<{ campaigns: Campaign[] }>('/campaigns').then((r) => r.campaigns);
export const campaign = (s: Session, c: string) => s.json<Campaign>(`/campaigns/${id(c)}`);
export const createCampaign = (s: Session, c: NewCampaign) => s.json<Campaign>('/campaigns', 'POST', c);
export const progress = (s: Session, c: string) => s.json<Progress>(`/campaigns/${id(c)}/progress`);

/** The aggregate tables, of the whole campaign or of one sector or prefecture. */
export function results(s: Session, c: string, f: Filter | null): Promise<Results> {
  const q = f ? `?${new URLSearchParams({ [f.dimension]: f.group })}` : '';
  return s.json<Results>(`/campaigns/${id(c)}/results${q}`);
}

/** Uploads an invitations file as it is (CSV, UTF-8 or Shift_JIS). */
export async function invite(s: Session, c: string, file: Blob): Promise<Upload> {
  const res = await s.request(`/campaigns/${id(c)}/invitations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: file });
  return (await res.json()) as Upload;
}

/** A file of a campaign (path under /campaigns/ID/), with the server's file name. */
export async function download(s: Session, c: string, file: string, query: Record<string, string> = {}): Promise<{ blob: Blob; name: string }> {
  const q = new URLSearchParams(query).toString();
  const res = await s.request(`/campaigns/${id(c)}/${file}${q ? '?' + q : ''}`);
  return { blob: await res.blob(), name: fileName(res, file) };
}

export const users = (s: Session, chamber: string) => s.json<{ users: StaffUser[] }>(`/chambers/${id(chamber)}/users`).then((r) => r.users);
export const inviteUser = (s: Session, chamber: string, u: { email: string; name: string; role: Role }) => s.json<Invited>(`/chambers/${id(chamber)}/users`, 'POST', u);
export const updateUser = (s: Session, user: string, ch: { role?: Role; disabled?: boolean }) => s.json<StaffUser>(`/users/${id(user)}`, 'PATCH', ch);

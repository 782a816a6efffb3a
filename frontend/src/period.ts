// A campaign's period as chamber staff enter it, whole days in Japan time, and as the API
// holds it, two instants: it opens at the start of the first day and closes at the end of the
// last one (the API's closes is the first instant no longer open).

/** Japan's time zone: campaigns are set and shown in it, wherever the browser is. */
export const JAPAN = 'Asia/Tokyo';

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000; // Japan has no daylight saving time

/** The first instant of day (YYYY-MM-DD) in Japan, as RFC 3339. */
const start = (day: string) => `${day}T00:00:00+09:00`;

/** The calendar day (YYYY-MM-DD) in Japan at instant ms, plus days. */
export function japanDay(ms: number, days = 0): string {
  return new Date(ms + JST_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instants of a period from its first and last days (YYYY-MM-DD, Japan time), as RFC 3339. */
export function periodOf(first: string, last: string): { opens: string; closes: string } {
  return { opens: start(first), closes: start(japanDay(Date.parse(start(last)), 1)) };
}

/** Whether s is a calendar day YYYY-MM-DD. */
export function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(start(s)));
}

/** The last instant a campaign is open, for "until …" (closes is the first instant it is not). */
export function lastMoment(closes: string): Date {
  return new Date(Date.parse(closes) - 1);
}

import { describe, expect, it } from 'vitest';
import { isDay, japanDay, lastMoment, periodOf } from './period';

describe('campaign period', () => {
  it('opens at the start of the first day and closes at the end of the last, Japan time', () => {
    expect(periodOf('2026-12-01', '2027-02-28')).toEqual({ opens: '2026-12-01T00:00:00+09:00', closes: '2027-03-01T00:00:00+09:00' });
    expect(periodOf('2027-12-01', '2027-12-31')).toEqual({ opens: '2027-12-01T00:00:00+09:00', closes: '2028-01-01T00:00:00+09:00' });
  });

  it('takes the day in Japan, wherever the browser is', () => {
    // 20:00 UTC on 1 December is 05:00 on 2 December in Japan.
    expect(japanDay(Date.parse('2026-12-01T20:00:00Z'))).toBe('2026-12-02');
    expect(japanDay(Date.parse('2026-12-01T20:00:00Z'), 30)).toBe('2027-01-01');
  });

  it('shows the last instant open', () => {
    expect(lastMoment('2027-03-01T00:00:00+09:00').toISOString()).toBe('2027-02-28T14:59:59.999Z');
  });

  it('checks a day', () => {
    expect(isDay('2026-12-01')).toBe(true);
    expect(isDay('')).toBe(false);
    expect(isDay('2026-13-45')).toBe(false);
  });
});

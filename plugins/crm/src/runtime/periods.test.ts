import { describe, expect, it } from 'vitest';
import { addDays, localDate, periodOf, validTimeZone, zonedInstant } from './periods';

describe('report periods in a time zone', () => {
  it('finds the local day of an instant and the instant of a local time', () => {
    expect(localDate(new Date('2026-12-01T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-02');
    expect(localDate(new Date('2026-12-01T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-01');
    expect(localDate(new Date('2026-12-02T03:00:00Z'), 'America/New_York')).toBe('2026-12-01');
    expect(zonedInstant('2026-12-02', '18:00', 'Asia/Shanghai').toISOString()).toBe('2026-12-02T10:00:00.000Z');
    // across daylight saving time in New York (EDT -4 in July, EST -5 in December)
    expect(zonedInstant('2026-07-01', '09:00', 'America/New_York').toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(zonedInstant('2026-12-01', '09:00', 'America/New_York').toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect([validTimeZone('Asia/Shanghai'), validTimeZone('Mars/Olympus')]).toEqual([true, false]);
  });

  it('gives a daily period its day and a weekly one Monday to Sunday with the deadline weekday', () => {
    const daily = periodOf({ period: 'daily', deadline_time: '18:00', time_zone: 'Asia/Shanghai' }, '2026-12-02');
    expect([daily.start, daily.end, daily.from.toISOString(), daily.to.toISOString(), daily.deadline.toISOString()]).toEqual(['2026-12-02', '2026-12-02', '2026-12-01T16:00:00.000Z', '2026-12-02T16:00:00.000Z', '2026-12-02T10:00:00.000Z']);
    for (const day of ['2026-12-07', '2026-12-09', '2026-12-13']) {
      const weekly = periodOf({ period: 'weekly', deadline_time: '17:30', deadline_weekday: 5, time_zone: 'Asia/Shanghai' }, day);
      expect([weekly.start, weekly.end, weekly.deadline.toISOString()], day).toEqual(['2026-12-07', '2026-12-13', '2026-12-11T09:30:00.000Z']);
    }
  });
});

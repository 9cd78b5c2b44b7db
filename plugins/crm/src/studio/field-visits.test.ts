import { describe, expect, it } from 'vitest';
import { dayWindow, formatKm, formatMinutes, geoErrorKey, localDay, minutesBetween, problemKey, toVisitPosition } from './field-visits';
import { studioTexts } from '@pipewright/plugin-sdk/studio';
import * as React from 'react';
import crmStudio from './index';

/** Both languages, loaded as the studio loads them (a module each). */
const { texts: translations } = await studioTexts(crmStudio, React);

describe('field-visit page helpers', () => {
  it('takes a browser position as the API wants it and refuses unusable ones', () => {
    expect(toVisitPosition({ coords: { latitude: 31.2, longitude: 121.5, accuracy: 12 }, timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) })).toEqual({ latitude: 31.2, longitude: 121.5, accuracy: 12, timestamp: '2026-01-02T03:04:05.000Z' });
    expect(toVisitPosition({ coords: { latitude: Number.NaN, longitude: 121.5, accuracy: 12 }, timestamp: 0 })).toBeNull();
    expect(toVisitPosition({ coords: { latitude: 95, longitude: 121.5, accuracy: 12 }, timestamp: 0 })).toBeNull();
    expect(toVisitPosition({ coords: { latitude: 31, longitude: 121.5, accuracy: -1 }, timestamp: 0 })).toBeNull();
  });

  it('names geolocation failures and known problems by message keys that exist in both languages', () => {
    expect([1, 2, 3, null].map(geoErrorKey)).toEqual(['visit.geo.denied', 'visit.geo.unavailable', 'visit.geo.timeout', 'visit.geo.unsupported']);
    expect(problemKey('crm.visit-reason-required')).toBe('visit.problem.crm.visit-reason-required');
    expect(problemKey('internal')).toBeNull();
    const t = translations;
    for (const key of ['visit.geo.denied', 'visit.geo.invalid', 'visit.problem.crm.visit-open', 'visit.problem.plugin.invalid-body']) {
      expect(t.en.messages?.[key], key).toBeTruthy();
      expect(t['zh-CN'].messages?.[key], key).toBeTruthy();
    }
    // the base texts are kept beside them
    expect(t.en.messages?.['transfer.nav']).toBe('Transfer a rep\'s book');
    expect(t['zh-CN'].entities?.['crm.account']?.fields?.latitude).toBe('纬度');
  });

  it('turns the reader\'s day into an instant window and formats durations and distances', () => {
    const { from, to } = dayWindow('2026-03-08');
    expect(new Date(from).getDate()).toBe(8);
    expect(new Date(from).getHours()).toBe(0);
    expect(Date.parse(to) - Date.parse(from)).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect(localDay(new Date(2026, 2, 8, 23, 59))).toBe('2026-03-08');
    expect(minutesBetween('2026-01-01T10:00:00Z', new Date('2026-01-01T10:37:59Z'))).toBe(37);
    expect(minutesBetween('2026-01-01T10:00:00Z', new Date('2026-01-01T09:00:00Z'))).toBe(0);
    expect([formatMinutes(45, 'en'), formatMinutes(65, 'en'), formatMinutes(65, 'zh-CN')]).toEqual(['45 min', '1 h 05 min', '1 小时 05 分钟']);
    expect([formatKm(0.342, 'en'), formatKm(12.3456, 'en'), formatKm(1234.5, 'en')]).toEqual(['342 m', '12.35 km', '1,234.50 km']);
  });
});

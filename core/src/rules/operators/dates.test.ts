import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochDay } from './dates';

/**
 * Oracle: the same strict grammar, written as regular expressions, with the calendar arithmetic
 * left to `Date` (setUTCFullYear, so that years 0-99 are not read as 1900-1999).
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function oracle(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = DATE.exec(value) ?? DATE_TIME.exec(value);
  if (m === null) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return null;
  const day = Math.round(at.getTime() / 86_400_000);
  if (m[4] === undefined) return day;
  const [hh, mi, ss] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hh > 23 || mi > 59 || ss > 59) return null;
  let offset = 0;
  const zone = m[7] as string;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offset = (zone[0] === '+' ? 1 : -1) * (oh * 60 + om);
  }
  return Math.floor((day * 1440 + hh * 60 + mi - offset) / 1440);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
/** Near-valid date-times: every field may be out of range, and a character may be replaced. */
const candidateIn = (years: { min: number; max: number }) => fc
  .record({
    y: fc.integer(years), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
    time: fc.option(fc.record({
      hh: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 61 }), ss: fc.integer({ min: 0, max: 61 }),
      frac: fc.option(fc.stringMatching(/^\.\d{0,10}$/)),
      zone: fc.oneof(fc.constant('Z'), fc.constant('z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`)),
    })),
    typo: fc.option(fc.tuple(fc.nat(40), fc.constantFrom('/', ':', 'T', ' ', 'a', '9', '-', '\u0660'))),
  })
  .map(({ y, mo, d, time, typo }) => {
    let s = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
    if (time !== null) s += `T${pad(time.hh, 2)}:${pad(time.mi, 2)}:${pad(time.ss, 2)}${time.frac ?? ''}${time.zone}`;
    if (typo !== null && typo[0] < s.length) s = s.slice(0, typo[0]) + typo[1] + s.slice(typo[0] + 1);
    return s;
  });
const candidate = candidateIn({ min: 0, max: 9999 });

describe('epochDay', () => {
  it('agrees with a Date-based oracle on 50,000 near-valid dates and date-times', () => {
    fc.assert(fc.property(candidate, (s) => epochDay(s) === oracle(s)), { numRuns: 50_000, seed: 7 });
  });

  it('agrees with the oracle around and inside the tabulated years (1900-2199)', () => {
    fc.assert(fc.property(candidateIn({ min: 1895, max: 2205 }), (s) => epochDay(s) === oracle(s)), { numRuns: 50_000, seed: 13 });
    for (let y = 1899; y <= 2200; y++) for (const md of ['01-01', '02-28', '02-29', '03-01', '12-31']) expect(epochDay(`${y}-${md}`)).toBe(oracle(`${y}-${md}`));
  });

  it('agrees with the oracle on arbitrary strings and non-strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.anything()), (v) => epochDay(v) === oracle(v)), { numRuns: 20_000, seed: 11 });
  });

  it('handles the calendar edges', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('1969-12-31')).toBe(-1);
    expect(epochDay('0000-01-01')).toBe(-719_528);
    expect(epochDay('0000-02-29')).toBe(-719_469);
    expect(epochDay('1900-02-29')).toBeNull();
    expect(epochDay('2000-02-29')).toBe(11_016);
    expect(epochDay('2024-02-29')).toBe(19_782);
    expect(epochDay('2023-02-29')).toBeNull();
    expect(epochDay('2025-04-31')).toBeNull();
    expect(epochDay('9999-12-31')).toBe(2_932_896);
    expect(epochDay('9999-12-31T23:59:59-23:59')).toBe(2_932_897);
    expect(epochDay('0000-01-01T00:00:00+00:01')).toBe(-719_529);
    expect(epochDay('2025-01-01T01:00:00+02:00')).toBe(20_088);
    expect(epochDay('2025-01-01T00:00:00.123456789Z')).toBe(20_089);
    expect(epochDay('2025-01-01T00:00:00.1234567890Z')).toBeNull();
    expect(epochDay('2025-01-01T00:00:00.Z')).toBeNull();
    expect(epochDay('2025-01-01T00:00:00')).toBeNull();
  });
});

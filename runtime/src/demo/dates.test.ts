import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { demoYearShift, shiftCsvDates, shiftDate } from './dates';

describe('demo date shift', () => {
  it('moves dates by whole years, 29 February to 28 February in a common year', () => {
    expect(shiftDate('2017-03-31', 9)).toBe('2026-03-31');
    expect(shiftDate('2016-02-29', 9)).toBe('2025-02-28');
    expect(shiftDate('2016-02-29', 8)).toBe('2024-02-29');
    expect(shiftDate('2016-02-28', 1)).toBe('2017-02-28');
    expect(shiftDate('', 9)).toBe('');
    expect(shiftDate('31/12/2017', 9)).toBe('31/12/2017');
    expect(shiftDate('2017-12-31', 0)).toBe('2017-12-31');
  });

  it('auto: the latest date lands in the current year, never moved backwards; a number is taken as given', () => {
    expect(demoYearShift('2017-12-31', new Date('2026-12-05T00:00:00Z'), 'auto')).toBe(9);
    expect(demoYearShift('2017-12-31', new Date('2027-01-01T00:00:00Z'), 'auto')).toBe(10);
    expect(demoYearShift('2030-06-01', new Date('2026-12-05T00:00:00Z'), 'auto')).toBe(0);
    expect(demoYearShift('2017-12-31', new Date('2026-12-05T00:00:00Z'), 0)).toBe(0);
    expect(demoYearShift('2017-12-31', new Date('2026-12-05T00:00:00Z'), 3)).toBe(3);
  });

  it('shifts only the named date columns of a CSV and keeps quoted fields and the header', () => {
    const csv = 'id,name,engage_date,close_date\n1,"Acme, Inc.",2016-10-20,2017-03-01\n2,"Say ""hi""",,2017-12-31\n';
    const { csv: out, latest } = shiftCsvDates(csv, ['engage_date', 'close_date'], 9);
    expect(latest).toBe('2017-12-31');
    expect(out).toBe('id,name,engage_date,close_date\n1,"Acme, Inc.",2025-10-20,2026-03-01\n2,"Say ""hi""",,2026-12-31\n');
    expect(shiftCsvDates(csv, ['engage_date', 'close_date'], 0).csv).toBe(csv);
  });

  it('is configured by PIPEWRIGHT_DEMO_SHIFT_YEARS: auto by default, a whole number, anything else refused', () => {
    expect(loadConfig({}).demoShiftYears).toBe('auto');
    expect(loadConfig({ PIPEWRIGHT_DEMO_SHIFT_YEARS: '0' }).demoShiftYears).toBe(0);
    expect(loadConfig({ PIPEWRIGHT_DEMO_SHIFT_YEARS: ' 4 ' }).demoShiftYears).toBe(4);
    for (const bad of ['-1', '1.5', 'soon', '1e3']) expect(() => loadConfig({ PIPEWRIGHT_DEMO_SHIFT_YEARS: bad })).toThrow(/PIPEWRIGHT_DEMO_SHIFT_YEARS must be auto or a whole number/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DemoDataError, demoCsv, readDemoDocument, shiftRowDates } from './plugin-demo';

describe('plugin demo data', () => {
  it('writes rows as CSV with every column, quoting what needs it', () => {
    expect(demoCsv([{ name: 'Ada, Countess', age: 36 }, { name: 'Bo "B"', vip: true }, { name: 'Cy', age: null }])).toBe('name,age,vip\n"Ada, Countess",36,\n"Bo ""B""",,true\nCy,,\n');
  });

  it('moves dates and the date part of date-times by whole years, and nothing else', () => {
    const rows = [{ at: '2017-03-01T10:00:00Z', on: '2016-02-29', note: '2017-01-01', n: 3 }];
    expect(shiftRowDates(rows, ['at', 'on'], 9)).toEqual([{ at: '2026-03-01T10:00:00Z', on: '2025-02-28', note: '2017-01-01', n: 3 }]);
    expect(shiftRowDates(rows, ['at'], 0)).toBe(rows);
    // Months and quarters (period columns) move with the dates; other text does not.
    expect(shiftRowDates([{ m: '2017-07', q: '2017-Q3', x: '2017-Q5', y: '2017-13' }], ['m', 'q', 'x', 'y'], 9)).toEqual([{ m: '2026-07', q: '2026-Q3', x: '2017-Q5', y: '2017-13' }]);
  });

  it('refuses a document that is not one, naming the plugin, the file and the member', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-demo-'));
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    write('broken.json', '{ nope');
    write('no-entity.json', JSON.stringify({ mapping: {}, rows: [] }));
    write('bad-cell.json', JSON.stringify({ mapping: { entity: 'crm.contact' }, rows: [{ first_name: 'Ada' }, { first_name: { nested: true } }] }));
    write('good.json', JSON.stringify({ mapping: { entity: 'crm.contact' }, dateColumns: ['at'], rows: [{ first_name: 'Ada' }] }));
    const err = (file: string) => {
      try {
        readDemoDocument(dir, 'acme', file);
      } catch (e) {
        return e as DemoDataError;
      }
      throw new Error(`${file} was accepted`);
    };
    expect(err('broken.json').message).toContain('cannot be read as JSON');
    expect([err('no-entity.json').plugin, err('no-entity.json').pointer]).toEqual(['acme', '/mapping']);
    expect(err('bad-cell.json').pointer).toBe('/rows/1/first_name');
    expect(err('missing.json').file).toBe('missing.json');
    expect(readDemoDocument(dir, 'acme', 'good.json').rows).toHaveLength(1);
  });
});

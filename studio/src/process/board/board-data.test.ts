import { describe, expect, it } from 'vitest';
import type { ProcessSummary, ProcessVersion } from '../../api/processes';
import { columnsPath } from '../../api/client';
import { boardStageIds, boardValuesQuery, chooseProcess, columnParams, idBatches, isTouched, stageBatches, processFilter, publishedDefinition } from './board-data';

const summary = (id: string, latestVersion: number | null) => ({ id, latestVersion }) as ProcessSummary;
const version = (n: number, stages: string[]) => ({ id: 'p', version: n, definition: { stages: stages.map((id) => ({ id, label: id, kind: 'open' })) } }) as unknown as ProcessVersion;

/** What the board's hooks and its cold-load prefetch both build their requests from. */
describe('board data', () => {
  it('chooses the asked process, else the first published, else the first', () => {
    const list = [summary('draft', null), summary('new', 2), summary('renewal', 1)];
    expect([chooseProcess(list, 'renewal')?.id, chooseProcess(list, null)?.id, chooseProcess([summary('draft', null)], 'gone')?.id, chooseProcess(null, null)]).toEqual(['renewal', 'new', 'draft', null]);
  });

  it('reads every published version at once; stages only older versions have follow the latest\'s', async () => {
    const asked: string[] = [];
    const versions: Record<string, ProcessVersion> = { '/api/processes/p/versions/2': version(2, ['a', 'b']), '/api/processes/p/versions/1': version(1, ['a', 'old']) };
    const def = await publishedDefinition(summary('p', 2), async (path) => { asked.push(path); return versions[path] as ProcessVersion; });
    expect(asked).toEqual(['/api/processes/p/versions/2', '/api/processes/p/versions/1']);
    expect(def && boardStageIds(def)).toEqual(['a', 'b', 'old']);
    expect(def?.older.map((o) => o.version)).toEqual([1]);
    expect(await publishedDefinition(summary('draft', null), () => Promise.reject(new Error('not asked')))).toBeNull();
  });

  it('filters columns by process only when several are published', () => {
    expect(processFilter([summary('a', 1), summary('b', 1)], 'a', true)).toBe('a');
    expect(processFilter([summary('a', 1), summary('b', null)], 'a', true)).toBe('');
    expect(processFilter([summary('a', 1), summary('b', 1)], 'a', false)).toBe('');
  });

  it('builds one column page\'s request, the total on the first page only', () => {
    expect(columnParams('won', { owner: 'u1', team: '', process: 'p', q: 'acme', sort: '' }, null)).toMatchObject({
      filters: [{ field: 'stage', op: 'eq', value: 'won' }, { field: 'owner', op: 'eq', value: 'u1' }, { field: 'process', op: 'eq', value: 'p' }],
      q: 'acme',
      limit: 20,
      cursor: null,
      total: true,
    });
    expect(columnParams('won', { owner: '', team: 't1' }, 'c2')).toMatchObject({ filters: [{ field: 'stage', op: 'eq', value: 'won' }, { field: 'orgUnit', op: 'eq', value: 't1' }], cursor: 'c2', total: false });
    expect(columnParams('won', { owner: '', team: '' }, null)).not.toHaveProperty('q');
  });

  it('groups the money figures by what the board is filtered on', () => {
    expect(boardValuesQuery(['m'], { owner: '', team: '', process: '' })).toEqual({ metrics: ['m'], groupBy: ['stage'] });
    expect(boardValuesQuery(['m'], { owner: 'u', team: 't', process: 'p' }).groupBy).toEqual(['stage', 'owner', 'team', 'process']);
  });

  it('knows when some entity touches the board\'s', () => {
    const activity = { touch: { at: 'occurred_at' }, references: { deal_id: { entity: 'acme.ticket' } } } as never;
    expect([isTouched([activity], 'acme.ticket'), isTouched([activity], 'acme.site'), isTouched([{ references: { x: { entity: 'acme.ticket' } } } as never], 'acme.ticket')]).toEqual([true, false, false]);
  });

  it('asks every column\'s first page in one request, with the board\'s filters, sort and search but no stage, cursor or total of its own', () => {
    const filters = { owner: 'ann', team: '', process: 'new_business', q: 'acme & co', sort: '' };
    expect(columnsPath('pipeline.deal', ['prospecting', 'won'], columnParams('', filters, null))).toBe('/api/records/pipeline.deal/columns?stages=prospecting,won&q=acme+%26+co&sort=-updatedAt&limit=20&filter%5Bowner%5D%5Beq%5D=ann&filter%5Bprocess%5D%5Beq%5D=new_business');
    expect(columnsPath('acme.ticket', ['new stage'], columnParams('x', { owner: '', team: '' }, 'c1'))).toBe('/api/records/acme.ticket/columns?stages=new%20stage&sort=-enteredStageAt&limit=20');
  });

  it('asks the stays and last touches of the loaded cards 200 ids at a time', () => {
    const ids = Array.from({ length: 401 }, (_, i) => `id${i}`);
    expect(idBatches(ids).map((b) => b.length)).toEqual([200, 200, 1]);
    expect(idBatches(ids).flat()).toEqual(ids);
    expect(idBatches([])).toEqual([]);
  });

  it('asks the first pages of a board of hundreds of stages 50 columns at a time', () => {
    const stages = Array.from({ length: 120 }, (_, i) => `s${i}`);
    expect(stageBatches(stages).map((b) => b.length)).toEqual([50, 50, 20]);
    expect(stageBatches(stages).flat()).toEqual(stages);
    expect(stageBatches(['a'])).toEqual([['a']]);
  });
});

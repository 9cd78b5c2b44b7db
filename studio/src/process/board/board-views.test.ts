import { describe, expect, it } from 'vitest';
import { nextColumnPosition } from './board-keyboard';
import { matchingView, parseViews, viewParams, type BoardView } from './board-views';

describe('saved board filters', () => {
  it('keep only the board\'s filter parameters, without empty ones', () => {
    expect(viewParams(new URLSearchParams('owner=ana&q=&sort=changed&x=1'))).toEqual({ owner: 'ana', sort: 'changed' });
  });

  it('match the address\'s filters exactly, whatever their order', () => {
    const views: BoardView[] = [{ name: 'Big', params: { sort: 'amount' } }, { name: 'Mine', params: { owner: 'ana', team: 't1' } }];
    expect(matchingView(views, { team: 't1', owner: 'ana' })?.name).toBe('Mine');
    expect(matchingView(views, { owner: 'ana' })).toBeUndefined();
    expect(matchingView(views, {})).toBeUndefined();
  });

  it('read from storage drop what is malformed instead of failing', () => {
    expect(parseViews(null)).toEqual([]);
    expect(parseViews('not json')).toEqual([]);
    expect(parseViews('{"name":"x"}')).toEqual([]);
    expect(parseViews(JSON.stringify([{ name: 'ok', params: { owner: 'a', evil: 'b', q: 3 } }, { name: '', params: {} }, { params: {} }, 7]))).toEqual([{ name: 'ok', params: { owner: 'a' } }]);
  });
});

describe('keyboard moves between columns', () => {
  const columns = [{ left: 420, width: 200, top: 300 }, { left: 0, width: 200, top: 300 }, { left: 210, width: 200, top: 300 }];

  it('go to the neighbouring column by screen position, centred, near its top', () => {
    expect(nextColumnPosition(columns, { left: 10, width: 180, top: 500 }, 1)).toEqual({ x: 220, y: 308 });
    expect(nextColumnPosition(columns, { left: 220, width: 180, top: 500 }, 1)).toEqual({ x: 430, y: 308 });
    expect(nextColumnPosition(columns, { left: 220, width: 180, top: 500 }, -1)).toEqual({ x: 10, y: 308 });
  });

  it('stay put at either end, and with no columns', () => {
    expect(nextColumnPosition(columns, { left: 430, width: 180, top: 500 }, 1)).toBeUndefined();
    expect(nextColumnPosition(columns, { left: 10, width: 180, top: 500 }, -1)).toBeUndefined();
    expect(nextColumnPosition([], { left: 10, width: 180, top: 0 }, 1)).toBeUndefined();
  });

  it('start from the nearest column when the card is between two', () => {
    expect(nextColumnPosition(columns, { left: 120, width: 180, top: 0 }, 1)).toEqual({ x: 430, y: 308 });
  });
});

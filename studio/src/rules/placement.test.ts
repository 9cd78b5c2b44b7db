import { describe, expect, it } from 'vitest';
import { bounds, freeSpot, inside, overlaps, type Box } from './placement';

const view: Box = { x: 0, y: 0, width: 800, height: 500 };
const node = (x: number, y: number): Box => ({ x, y, width: 170, height: 64 });

describe('freeSpot: where a node added to the rule canvas lands', () => {
  it('stays where it is asked to be when that spot is free', () => {
    expect(freeSpot(node(315, 218), [node(0, 0)], view)).toEqual({ x: 315, y: 218, inView: true });
  });

  it('moves the least distance that clears the other nodes by the gap, staying in view', () => {
    const spot = freeSpot(node(315, 218), [node(300, 200)], view, 16);
    const box = { ...node(0, 0), x: spot.x, y: spot.y };
    expect(spot.inView).toBe(true);
    expect(overlaps(box, node(300, 200), 16)).toBe(false);
    expect(inside(box, view)).toBe(true);
    // straight above or below is nearest (the node is wider than tall)
    expect(spot.x).toBe(315);
    expect(Math.abs(spot.y - 218)).toBeLessThan(64 + 16 + 18 + 7);
  });

  it('places many in a row without any two overlapping, all in view while there is room', () => {
    const placed: Box[] = [node(315, 218)];
    for (let i = 0; i < 12; i++) {
      const spot = freeSpot(node(315, 218), placed, view, 16);
      expect(spot.inView).toBe(true);
      placed.push({ ...node(0, 0), x: spot.x, y: spot.y });
    }
    for (const [i, a] of placed.entries()) {
      expect(inside(a, view)).toBe(true);
      for (const b of placed.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
    }
  });

  it('answers a free spot outside the view when the view is full, for the caller to pan to', () => {
    const full: Box[] = [{ x: -50, y: -50, width: 900, height: 600 }];
    const spot = freeSpot(node(315, 218), full, view, 16);
    expect(spot.inView).toBe(false);
    expect(overlaps({ ...node(0, 0), x: spot.x, y: spot.y }, full[0] as Box, 16)).toBe(false);
  });

  it('finds a free spot beside nodes spread far along one side (searching in coarser steps)', () => {
    const column = Array.from({ length: 400 }, (_, i) => node(0, i * 100));
    const spot = freeSpot(node(0, 0), column, { x: 0, y: 0, width: 170, height: 400 }, 16);
    expect(spot.inView).toBe(false);
    expect(column.some((c) => overlaps({ ...node(0, 0), x: spot.x, y: spot.y }, c, 16))).toBe(false);
  });

  it('measures the boxes of nodes added together', () => {
    expect(bounds([node(0, 0), node(200, 10)])).toEqual({ x: 0, y: 0, width: 370, height: 74 });
  });
});

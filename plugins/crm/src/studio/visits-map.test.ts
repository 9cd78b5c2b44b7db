import { describe, expect, it } from 'vitest';
import { project } from './VisitsMap';

describe('the visits map projection (longitude, latitude to a plot, no tiles)', () => {
  it('puts east to the right and north up, inside the margins, with the same scale both ways', () => {
    const pts = [
      { latitude: 31.2, longitude: 121.4 },
      { latitude: 31.3, longitude: 121.6 },
      { latitude: 31.1, longitude: 121.5 },
    ];
    const xy = project(pts, 400, 300, 20);
    expect(xy[1]!.x).toBeGreaterThan(xy[2]!.x);
    expect(xy[2]!.x).toBeGreaterThan(xy[0]!.x);
    expect(xy[1]!.y).toBeLessThan(xy[0]!.y);
    expect(xy[0]!.y).toBeLessThan(xy[2]!.y);
    for (const p of xy) {
      expect(p.x).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(380 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(p.y).toBeLessThanOrEqual(280 + 1e-9);
    }
    // One scale for both axes: 0.1 degree of latitude and 0.1 / cos(31.2°) of longitude span the same pixels.
    const k = (xy[2]!.y - xy[1]!.y) / 0.2;
    expect((xy[1]!.x - xy[0]!.x) / (0.2 * Math.cos((31.2 * Math.PI) / 180))).toBeCloseTo(k, 6);
  });

  it('centres a single check-in, and draws nothing for none', () => {
    expect(project([{ latitude: 31.23, longitude: 121.47 }], 400, 300, 30)).toEqual([{ x: 200, y: 150 }]);
    expect(project([], 400, 300, 30)).toEqual([]);
  });
});

/** A rectangle on the canvas, in flow coordinates (top-left corner and size). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Whether two boxes overlap or come closer than `gap`.
 *
 * @example
 * ```ts
 * overlaps({ x: 0, y: 0, width: 10, height: 10 }, { x: 12, y: 0, width: 10, height: 10 }, 4); // true
 * ```
 */
export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/** Whether `a` lies entirely inside `outer`. */
export function inside(a: Box, outer: Box): boolean {
  return a.x >= outer.x && a.y >= outer.y && a.x + a.width <= outer.x + outer.width && a.y + a.height <= outer.y + outer.height;
}

/**
 * The smallest box holding all `boxes`.
 *
 * @example
 * ```ts
 * bounds([{ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 5, width: 10, height: 10 }]); // { x: 0, y: 0, width: 30, height: 15 }
 * ```
 */
export function bounds(boxes: readonly Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
}

/** Top-left corners for `box` on a grid over `area`, nearest to `box`'s own corner first. */
function candidates(box: Box, area: Box, step: number): { x: number; y: number }[] {
  const out: { x: number; y: number; d: number }[] = [];
  const iMin = Math.ceil((area.x - box.x) / step);
  const iMax = Math.floor((area.x + area.width - box.width - box.x) / step);
  const jMin = Math.ceil((area.y - box.y) / step);
  const jMax = Math.floor((area.y + area.height - box.height - box.y) / step);
  for (let i = iMin; i <= iMax; i++) for (let j = jMin; j <= jMax; j++) out.push({ x: box.x + i * step, y: box.y + j * step, d: i * i + j * j });
  return out.sort((a, b) => a.d - b.d);
}

/**
 * Where to put `box` (a new node, or the bounding box of nodes added together): the spot
 * nearest to where it is that overlaps none of `others` (kept `gap` apart) and lies inside
 * `view`, the visible part of the canvas. When the view has no room left, the nearest free spot
 * outside it, with `inView: false` (the caller then brings it into view).
 *
 * @example
 * ```ts
 * const view = { x: 0, y: 0, width: 800, height: 500 };
 * freeSpot({ x: 315, y: 218, width: 170, height: 64 }, [{ x: 300, y: 200, width: 170, height: 64 }], view); // a spot beside the node, inView: true
 * ```
 */
export function freeSpot(box: Box, others: readonly Box[], view: Box, gap = 16): { x: number; y: number; inView: boolean } {
  const free = (p: { x: number; y: number }) => others.every((o) => !overlaps({ ...box, ...p }, o, gap));
  // about 120 steps across the view whatever the zoom
  const step = Math.max(4, Math.round(view.width / 120));
  const inView = candidates(box, view, step).find(free);
  if (inView) return { x: inView.x, y: inView.y, inView: true };
  // beyond every node there is room: search the view and the nodes' area grown by the box
  const all = bounds([view, box, ...others]);
  const area = { x: all.x - box.width - gap, y: all.y - box.height - gap, width: all.width + 2 * (box.width + gap), height: all.height + 2 * (box.height + gap) };
  // (at most about 200 steps along the longer side, however far apart the nodes are)
  const outside = candidates(box, area, Math.max(step, Math.round(Math.max(area.width, area.height) / 200))).find(free);
  return outside ? { x: outside.x, y: outside.y, inView: false } : { x: area.x + area.width - box.width, y: box.y, inView: false };
}

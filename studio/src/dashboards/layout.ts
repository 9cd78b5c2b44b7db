import type { Widget, WidgetLayout } from '@pipewright/core/dashboards';

/** Columns of the dashboard grid. */
export const GRID_COLUMNS = 12;

const overlaps = (a: WidgetLayout, b: WidgetLayout) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Settles widgets on the grid after an edit: each keeps its column and width (clamped to the
 * grid) and moves up as far as it can without overlapping the widgets before it (in reading
 * order), so a saved dashboard never has overlaps or holes above a widget.
 *
 * @example
 * ```ts
 * packLayout([{ ...a, layout: { x: 0, y: 5, w: 6, h: 2 } }]); // a moves to y 0
 * ```
 */
export function packLayout(widgets: readonly Widget[]): Widget[] {
  const order = widgets.map((w, i) => ({ w, i })).sort((a, b) => a.w.layout.y - b.w.layout.y || a.w.layout.x - b.w.layout.x || a.i - b.i);
  const placed: WidgetLayout[] = [];
  const out: Widget[] = [...widgets];
  for (const { w, i } of order) {
    const width = Math.min(Math.max(1, w.layout.w), GRID_COLUMNS);
    const x = Math.min(Math.max(0, w.layout.x), GRID_COLUMNS - width);
    const h = Math.min(Math.max(1, w.layout.h), 12);
    let y = 0;
    while (placed.some((p) => overlaps(p, { x, y, w: width, h }))) y++;
    const layout = { x, y, w: width, h };
    placed.push(layout);
    out[i] = { ...w, layout };
  }
  return out;
}

/**
 * Where a new widget of a size goes: the first free place, scanning rows top-down.
 *
 * @example
 * ```ts
 * freeSpot(widgets, 4, 3); // { x: 8, y: 0, w: 4, h: 3 }
 * ```
 */
export function freeSpot(widgets: readonly Widget[], w: number, h: number): WidgetLayout {
  for (let y = 0; ; y++) {
    for (let x = 0; x + w <= GRID_COLUMNS; x++) {
      const spot = { x, y, w, h };
      if (!widgets.some((o) => overlaps(o.layout, spot))) return spot;
    }
  }
}

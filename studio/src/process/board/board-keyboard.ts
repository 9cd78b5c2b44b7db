import { pointerWithin, rectIntersection, type CollisionDetection, type KeyboardCoordinateGetter } from '@dnd-kit/core';

/** How far below a column's top edge a card held over it sits (below the column's heading). */
const TOP_OFFSET = 8;

/** A column's place on screen, as dnd-kit measures droppables. */
interface ColumnRect {
  left: number;
  width: number;
  top: number;
}

/**
 * Where a card held with the keyboard goes on ArrowLeft / ArrowRight: centred on the neighbouring
 * column (columns ordered by their position on screen), near its top, where every column has
 * room whatever its number of cards; other keys do not move it (Space or Enter drops, Escape
 * cancels: dnd-kit's keyboard codes).
 *
 * @example
 * ```ts
 * nextColumnPosition(rects, { left: 0, width: 200, top: 400 }, 1); // { x, y } of the card's corner over the column right of it
 * ```
 */
export function nextColumnPosition(columns: readonly ColumnRect[], card: ColumnRect, direction: 1 | -1): { x: number; y: number } | undefined {
  if (columns.length === 0) return undefined;
  const sorted = [...columns].sort((a, b) => a.left - b.left);
  const centre = card.left + card.width / 2;
  // the column the card is over now: the one containing its centre, else the nearest
  let at = sorted.findIndex((c) => centre >= c.left && centre < c.left + c.width);
  if (at < 0) at = sorted.reduce((best, c, i) => (Math.abs(c.left + c.width / 2 - centre) < Math.abs((sorted[best]?.left ?? 0) + (sorted[best]?.width ?? 0) / 2 - centre) ? i : best), 0);
  const target = sorted[at + direction];
  return target ? { x: target.left + (target.width - card.width) / 2, y: target.top + TOP_OFFSET } : undefined;
}

/** dnd-kit keyboard coordinates for a board: arrows move the held card one column left or right. */
export const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const direction = event.code === 'ArrowRight' ? 1 : event.code === 'ArrowLeft' ? -1 : 0;
  if (direction === 0) return undefined;
  event.preventDefault();
  const card = context.collisionRect;
  if (!card) return undefined;
  const columns = [...context.droppableRects.values()].map((r) => ({ left: r.left, width: r.width, top: r.top }));
  return nextColumnPosition(columns, { left: card.left, width: card.width, top: card.top }, direction);
};

/**
 * The column a dragged card is over: under the pointer for a pointer drag (outside every column
 * is no target), the column the card overlaps most for a keyboard drag (which has no pointer).
 */
export const boardCollisions: CollisionDetection = (args) => (args.pointerCoordinates ? pointerWithin(args) : rectIntersection(args));

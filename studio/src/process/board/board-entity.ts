import type { EntityInfo } from '../../api/types';

/**
 * The entity `/board` shows: the one a plugin registered first as a board, else the first entity
 * with stages.
 *
 * @example
 * ```ts
 * defaultBoardEntity(registry.boards, entities); // the first plugin board's entity
 * ```
 */
export function defaultBoardEntity(boards: readonly { entity: string }[], entities: readonly EntityInfo[]): string | null {
  const staged = new Set(entities.filter((e) => e.stageful).map((e) => e.fullId));
  return boards.find((b) => staged.has(b.entity))?.entity ?? entities.find((e) => e.stageful)?.fullId ?? null;
}

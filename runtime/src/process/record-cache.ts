import type { Selectable } from 'kysely';
import type { RecordTable } from '../db/tables';

/**
 * The rows of records this process moved or read for a move, most recent first, at most
 * `capacity` of them. A row is only ever used at the version it was cached at: a record's
 * content never changes without its version changing (every write bumps it), so the row for
 * (id, version) is the row the database holds as long as the record is still at that version,
 * which the transition's write checks (compare-and-set on the version). Another process's
 * changes therefore make an entry useless, never wrong.
 *
 * @example
 * ```ts
 * const cache = new RecordCache(5000);
 * cache.set(row);
 * cache.get(row.id, row.type, row.version); // row
 * ```
 */
export class RecordCache {
  readonly #rows = new Map<string, Selectable<RecordTable>>();

  constructor(readonly capacity = 5000) {}

  /** The cached row of `id` if it is of `type` and at `version`. */
  get(id: string, type: string, version: number): Selectable<RecordTable> | undefined {
    if (this.capacity <= 0) return undefined;
    const row = this.#rows.get(id);
    if (!row || row.type !== type || row.version !== version || row.deleted_at !== null) return undefined;
    // Most recently used last (Map keeps insertion order).
    this.#rows.delete(id);
    this.#rows.set(id, row);
    return row;
  }

  set(row: Selectable<RecordTable>): void {
    if (this.capacity <= 0) return;
    this.#rows.delete(row.id);
    this.#rows.set(row.id, row);
    if (this.#rows.size > this.capacity) {
      const oldest = this.#rows.keys().next().value;
      if (oldest !== undefined) this.#rows.delete(oldest);
    }
  }

  delete(id: string): void {
    this.#rows.delete(id);
  }

  get size(): number {
    return this.#rows.size;
  }
}

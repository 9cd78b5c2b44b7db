import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';

/**
 * The ids of a unit and every unit below it (recursive CTE, so it holds for any depth).
 *
 * @example
 * ```ts
 * await subtreeOf(db, 'region-east'); // ['region-east', 'team-cara-losch', ...]
 * ```
 */
export async function subtreeOf(db: Kysely<Database>, unitId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with recursive tree(id) as (
      select id from org_units where id = ${unitId}
      union
      select u.id from org_units u join tree t on u.parent_id = t.id
    ) select id from tree`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Whether giving `unitId` the parent `parentId` would make a cycle.
 *
 * @example
 * ```ts
 * if (await wouldCycle(db, 'region-east', 'team-cara-losch')) throw ...;
 * ```
 */
export async function wouldCycle(db: Kysely<Database>, unitId: string, parentId: string): Promise<boolean> {
  return (await subtreeOf(db, unitId)).includes(parentId);
}

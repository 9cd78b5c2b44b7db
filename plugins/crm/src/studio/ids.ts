/**
 * The crm studio half's entity ids and the test its activity panel shows by: small and free of
 * components, so the studio half's eagerly loaded module (index.tsx) stays small.
 */

/** The crm plugin's account entity. */
export const ACCOUNT = 'crm.account';

/** The crm plugin's activity entity. */
export const ACTIVITY = 'crm.activity';

/**
 * The reference fields of the activity entity that point at an entity (`deal_id` for deals,
 * `account_id` for accounts): the record panel shows on the pages of those entities.
 *
 * @example
 * ```ts
 * linkFields(byId.get('crm.activity'), 'pipeline.deal'); // ['deal_id']
 * ```
 */
export function linkFields(activity: { references?: Record<string, { entity: string }> } | undefined, entity: string): string[] {
  return Object.entries(activity?.references ?? {}).filter(([, r]) => r.entity === entity).map(([field]) => field);
}

import { createHash } from 'node:crypto';

/**
 * A stable UUID (version-5 layout) from a name, so what an action creates from its idempotency
 * key (an activity, a plugin's record) always has the same id and a repeated delivery finds it.
 *
 * @example
 * ```ts
 * stableUuid('sla:42:breach'); // '5c0f...-5...'
 * ```
 */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`pipewright:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Payload of an SLA timer job. */
export interface SlaJob {
  historyId: string;
  kind: 'breach' | 'warn';
}

/** An entity as a choice in a select: its name, and its id only when another entity has the same name. */
export interface EntityChoice {
  value: string;
  label: string;
}

/**
 * The entities a rule can read, as select options named for users ("Ticket"), not by id
 * ("Ticket (acme.ticket)"); two entities of the same name keep their ids to tell them apart.
 *
 * @example
 * ```ts
 * entityChoices([{ fullId: 'acme.ticket', label: 'Ticket' }]); // [{ value: 'acme.ticket', label: 'Ticket' }]
 * ```
 */
export function entityChoices(entities: readonly { fullId: string; label: string }[]): EntityChoice[] {
  const named = new Map<string, number>();
  for (const e of entities) named.set(e.label, (named.get(e.label) ?? 0) + 1);
  return entities.map((e) => ({ value: e.fullId, label: (named.get(e.label) ?? 0) > 1 ? `${e.label} (${e.fullId})` : e.label }));
}

import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { request } from '../api/client';

type Names = ReadonlyMap<string, string>;

let cached: Promise<Names> | null = null;

/** Loads every user's name once per page load (`GET /api/users/names`); a failure is retried on the next call. */
function loadNames(): Promise<Names> {
  cached ??= request<{ items: { id: string; name: string }[] }>('GET', '/api/users/names')
    .then((r) => new Map(r.items.map((u) => [u.id, u.name])) as Names)
    .catch((err: unknown) => {
      cached = null;
      throw err;
    });
  return cached;
}

/**
 * Users' names by id, for naming owners, actors and user fields (empty until loaded, when the
 * runtime cannot answer, and when not `wanted`: then nothing is requested).
 *
 * @example
 * ```tsx
 * const names = useUserNames();
 * <dd>{names.get(record.owner) ?? record.owner}</dd>
 * ```
 */
export function useUserNames(wanted = true): Names {
  const [names, setNames] = useState<Names>(new Map());
  useEffect(() => {
    if (!wanted) return;
    let alive = true;
    loadNames().then((n) => alive && setNames(n), () => undefined);
    return () => {
      alive = false;
    };
  }, [wanted]);
  return names;
}

/**
 * Who an event or a stay names, as a person reads it: `user:<id>` by the user's name, a token
 * as "API token", platform work (`system:<name>`) as the platform's part that did it.
 *
 * @example
 * ```ts
 * actorName('user:ada', names, t); // 'Ada Lovelace'
 * actorName('system:demo-seed', names, t); // 'Demo data import'
 * ```
 */
export function actorName(actor: string | null | undefined, names: Names, t: TFunction): string {
  if (!actor) return '—';
  const [kind, ...rest] = actor.split(':');
  const id = rest.join(':');
  if (kind === 'user') return names.get(id) ?? id;
  if (kind === 'token') return t('actors.token');
  if (kind === 'system') {
    const known: Record<string, string> = { 'demo-seed': t('actors.demoSeed'), process: t('actors.process'), sla: t('actors.sla'), cli: t('actors.cli') };
    if (id.startsWith('plugin:')) return t('actors.plugin', { plugin: id.slice('plugin:'.length) });
    return known[id] ?? t('actors.system', { name: id });
  }
  return names.get(actor) ?? actor;
}

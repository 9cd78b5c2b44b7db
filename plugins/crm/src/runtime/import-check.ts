import type { PluginRoute, PluginServices } from '@pipewright/plugin-sdk';
import { findCandidates, isSame, keysOf, type DedupeDeclarations } from './dedupe';

/**
 * pg_trgm's similarity of two strings, computed the way PostgreSQL does for words of letters and
 * digits: each word lower-cased and padded with two spaces before and one after, its 3-grams as a
 * set, similarity = shared / all. Used to compare rows of one batch with each other (the index
 * compares them with stored records).
 *
 * @example
 * ```ts
 * trigramSimilarity('isdom', 'isdom'); // 1
 * ```
 */
export function trigramSimilarity(a: string, b: string): number {
  const grams = (s: string) => {
    const out = new Set<string>();
    for (const word of s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)) {
      const w = [' ', ' ', ...word, ' '];
      for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3).join(''));
    }
    return out;
  };
  const x = grams(a);
  const y = grams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / (x.size + y.size - shared);
}

export const MAX_ROWS = 500;

/**
 * `POST /api/plugins/crm/duplicates/check-rows`: the duplicate check (查重) of a batch of rows
 * before an import (the importer writes without hooks): per row, its keys, the stored records it
 * looks like (those the caller may see, the others counted) and the other rows of the batch it
 * looks like, by the same keys and thresholds as every write (dedupe.json).
 */
export function checkRowsRoute(decl: DedupeDeclarations): PluginRoute {
  return {
    method: 'post',
    path: '/duplicates/check-rows',
    summary: 'Looks for duplicates of a batch of rows (查重 before an import): stored look-alikes and look-alikes within the batch, per row',
    body: {
      type: 'object',
      required: ['type', 'rows'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: Object.keys(decl.entities) },
        rows: { type: 'array', minItems: 1, maxItems: MAX_ROWS, items: { type: 'object', maxProperties: 100 } },
      },
    },
    response: {
      type: 'object',
      required: ['policy', 'rows', 'flagged'],
      properties: {
        policy: { enum: ['block', 'warn', 'reason'] },
        flagged: { type: 'integer', description: 'Rows with a stored or in-batch look-alike.' },
        rows: {
          type: 'array',
          items: {
            type: 'object',
            required: ['row', 'keys', 'candidates', 'hiddenCandidates', 'sameAsRows'],
            properties: { row: { type: 'integer' }, keys: { type: 'object' }, candidates: { type: 'array' }, hiddenCandidates: { type: 'integer' }, sameAsRows: { type: 'array', items: { type: 'integer' } } },
          },
        },
      },
    },
    async handler(ctx) {
      const type = String(ctx.body.type);
      const matching = decl.entities[type];
      if (!matching) return { policy: 'warn', rows: [], flagged: 0 };
      const rows = ctx.body.rows as Record<string, unknown>[];
      const keys = rows.map((data) => keysOf(matching, data, decl.defaultCountry));
      const out = [];
      for (const [i, data] of rows.entries()) {
        const found = await findCandidates(ctx as PluginServices, type, matching, keys[i] as Record<string, string>, data, null);
        const sameAsRows: number[] = [];
        for (const [j, other] of keys.entries()) {
          if (j === i) continue;
          const hit = matching.keys.some((k) => {
            const a = (keys[i] as Record<string, string>)[k.field] ?? '';
            const b = other[k.field] ?? '';
            return a !== '' && b !== '' && isSame(k, a, b, k.match === 'exact' ? (a === b ? 1 : 0) : trigramSimilarity(a, b));
          });
          if (hit) sameAsRows.push(j + 1);
        }
        out.push({ row: i + 1, keys: keys[i], candidates: found.visible, hiddenCandidates: found.hidden, sameAsRows });
      }
      return { policy: matching.policy, rows: out, flagged: out.filter((r) => r.candidates.length > 0 || r.hiddenCandidates > 0 || r.sameAsRows.length > 0).length };
    },
  };
}

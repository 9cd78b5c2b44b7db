import type { PluginRoute, PluginServices } from '@pipewright/plugin-sdk';
import { keysOf, type DedupeDeclarations, type findCandidates as Find } from './dedupe';

const CANDIDATE = {
  type: 'object',
  required: ['id', 'type', 'title', 'field', 'similarity', 'owner'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' }, field: { type: 'string' }, similarity: { type: 'number' }, owner: { type: ['string', 'null'] } },
};

/**
 * `POST /api/plugins/crm/duplicates/check`: what a write of `data` to `type` would be told,
 * without writing: the keys, the candidates the caller may see, how many they may not, and the
 * entity's policy. Forms call it as the user types; imports and integrations before they write.
 */
export function checkRoute(decl: DedupeDeclarations, find: typeof Find): PluginRoute {
  return {
    method: 'post',
    path: '/duplicates/check',
    summary: 'Looks for records a body would duplicate (查重), without writing',
    description: 'Normalises the body by the entity\'s declared match keys (plugins/crm/dedupe.json) and answers the candidates the caller may see, a count of those they may not, and the policy a write would meet.',
    body: {
      type: 'object',
      required: ['type', 'data'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: Object.keys(decl.entities) },
        data: { type: 'object', maxProperties: 100 },
        exclude: { type: 'string', format: 'uuid', description: 'The record being edited.' },
      },
    },
    response: {
      type: 'object',
      required: ['policy', 'keys', 'candidates', 'hiddenCandidates'],
      additionalProperties: false,
      properties: {
        policy: { enum: ['block', 'warn', 'reason'] },
        keys: { type: 'object', additionalProperties: { type: 'string' } },
        candidates: { type: 'array', items: CANDIDATE },
        hiddenCandidates: { type: 'integer' },
      },
    },
    async handler(ctx) {
      const type = String(ctx.body.type);
      const matching = decl.entities[type];
      if (!matching) return { policy: 'warn', keys: {}, candidates: [], hiddenCandidates: 0 };
      const data = ctx.body.data as Record<string, unknown>;
      const keys = keysOf(matching, data, decl.defaultCountry);
      const found = await find(ctx as PluginServices, type, matching, keys, data, typeof ctx.body.exclude === 'string' ? ctx.body.exclude : null);
      return { policy: matching.policy, keys, candidates: found.visible, hiddenCandidates: found.hidden };
    },
  };
}

import { definePlugin } from '../plugins/define-plugin';
import { loadPlugins } from '../plugins/loader';
import { memorySource } from '../plugins/memory-source';
import type { Registry } from '../plugins/registry';
import type { ProcessContext } from './context';
import type { ProcessDefinition } from './types';

const MONEY = { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/money' };
const DATE = { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/date' };

/** A tiny plugin with a stageful `sales.opp` entity and one action type. */
export async function testRegistry(): Promise<Registry> {
  return loadPlugins([
    memorySource('p/sales', {
      'plugin.json': { id: 'sales', name: 'Sales', version: '1.0.0', apiVersion: 1, contributes: { entities: ['opp.json'], actionTypes: [{ id: 'ping', title: 'Ping', configSchema: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string' } } } }] }, runtime: 'index.ts' },
      'opp.json': {
        id: 'opp',
        label: 'Opp',
        labelPlural: 'Opps',
        stageful: true,
        schema: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', title: 'Name' }, amount: { ...MONEY, title: 'Amount' }, close_date: { ...DATE, title: 'Close date' }, engage_date: DATE, reason: { type: 'string' } } },
      },
    }, { 'index.ts': { plugin: definePlugin({ actions: { ping: () => ({ pinged: true }) } }) } }),
  ]);
}

/** The process context of {@link testRegistry}. */
export const contextOf = (r: Registry): ProcessContext => ({ entities: r.entities, actionTypes: r.actionTypes, operators: r.ruleOperators, roles: ['admin', 'manager', 'rep'] });

/** A valid four-stage process over `sales.opp`. */
export function sampleProcess(): ProcessDefinition {
  return {
    id: 'sample',
    label: 'Sample',
    entity: 'sales.opp',
    initialStage: 'lead',
    allowBackward: true,
    stages: [
      { id: 'lead', label: 'Lead', kind: 'open', probability: 0.1, sla: { maxDays: 10, warnBefore: 'P2D', escalateTo: { role: 'manager' } } },
      { id: 'quote', label: 'Quote', kind: 'open', probability: 0.5, requirements: { type: 'object', required: ['amount'], properties: { amount: MONEY } } },
      { id: 'won', label: 'Won', kind: 'won', probability: 1, requirements: { type: 'object', required: ['close_date', 'amount'], properties: { close_date: DATE, amount: MONEY } } },
      { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
    ],
    transitions: [
      { id: 'quote', from: 'lead', to: 'quote', actions: [{ id: 'p', type: 'sales.ping', config: { to: 'x' } }] },
      { id: 'win', from: 'quote', to: 'won', guard: { '>=': [{ var: 'amount.amount' }, 1000] }, guardMessage: 'Deals under 1000 are not worth it.' },
      { id: 'lose', from: '*', to: 'lost' },
    ],
  };
}

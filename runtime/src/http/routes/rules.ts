import { explain, fieldsRead, isPipewrightError, toSql, typeProblems, parseRule, ValidationError, type ErrorDetail, type JsonSchema, type OperatorRegistry, type Registry } from '@pipewright/core';
import type { RuleCheckView, RuleExplainView, RuleOperatorInfo, RuleProblemView } from '@pipewright/core/api';
import { Hono } from 'hono';
import { requireScope } from '../../auth/guards';
import { onlyMembers, readJsonObject } from '../body';
import type { AppEnv } from '../context';
import { stringMember } from '../input';

/**
 * `/api/rules`: the rule engine as the server runs it, for the studio and for integrations.
 * - `GET /operators`: every operator a rule may use (json-logic's, the sales pack, and those of
 *   loaded plugins, company plugins included) with its typed signature;
 * - `POST /check`: parse and type-check a rule, optionally against an entity, and say which
 *   fields it reads and whether it runs inside the database;
 * - `POST /explain`: evaluate a rule on a sample record and return the value of every sub-rule.
 * All three need the `read` scope; they read and write no data.
 *
 * @example
 * ```ts
 * app.route('/api/rules', ruleRoutes(registry, now));
 * ```
 */
export function ruleRoutes(registry: Registry, now: () => Date): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const operators = registry.ruleOperators;

  app.get('/operators', requireScope('read'), (c) => {
    const items: RuleOperatorInfo[] = operators
      .list()
      .map((o): RuleOperatorInfo => {
        const declared = registry.operators.get(o.name);
        const doc = declared?.description ?? o.definition?.doc;
        return {
          name: o.name,
          owner: o.owner,
          builtin: o.builtin,
          ...(declared?.title ? { title: declared.title } : {}),
          ...(doc ? { description: doc } : {}),
          signature: { params: o.signature.params, ...(o.signature.rest ? { rest: o.signature.rest } : {}), ...(o.signature.minArgs !== undefined ? { minArgs: o.signature.minArgs } : {}), returns: o.signature.returns },
        };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return c.json({ items });
  });

  /** The entity named by the body's `entity` member, if any; 422 naming `/entity` otherwise. */
  const entitySchema = (body: Record<string, unknown>): JsonSchema | undefined => {
    const type = stringMember(body, 'entity', { max: 200, optional: true });
    if (type === undefined) return undefined;
    const entity = registry.entities.get(type);
    if (!entity) throw new ValidationError({ code: 'body.invalid', message: `There is no entity "${type}".`, details: [{ pointer: '/entity', code: 'unknown-entity', message: `unknown entity '${type}'` }] });
    return entity.schema as JsonSchema;
  };

  const ruleMember = (body: Record<string, unknown>): unknown => {
    if (!Object.hasOwn(body, 'rule')) throw new ValidationError({ code: 'body.invalid', message: '"rule" is required.', details: [{ pointer: '/rule', code: 'required', message: 'is required' }] });
    return body.rule;
  };

  app.post('/check', requireScope('read'), async (c) => {
    const body = await readJsonObject(c);
    onlyMembers(body, ['rule', 'entity']);
    const rule = ruleMember(body);
    const schema = entitySchema(body);
    let problems: RuleProblemView[];
    let fields: string[] = [];
    try {
      const tree = parseRule(rule, { operators });
      problems = typeProblems(tree, { operators, ...(schema ? { schema } : {}) }).map(toProblem);
      fields = fieldsRead(rule, { operators });
    } catch (err) {
      if (!isPipewrightError(err)) throw err;
      problems = err.details.length > 0 ? err.details.map(toProblem) : [{ pointer: err.pointer ?? '', code: err.code.replace(/^rule\./, ''), message: err.message }];
    }
    const sql = problems.length === 0 && schema ? sqlSupport(rule, schema, operators) : undefined;
    const view: RuleCheckView = { valid: problems.length === 0, problems, fieldsRead: fields, ...(sql ? { sql } : {}) };
    return c.json(view);
  });

  app.post('/explain', requireScope('read'), async (c) => {
    const body = await readJsonObject(c);
    onlyMembers(body, ['rule', 'entity', 'data', 'now']);
    const rule = ruleMember(body);
    const schema = entitySchema(body);
    const data = Object.hasOwn(body, 'data') ? body.data : {};
    const at = stringMember(body, 'now', { max: 40, optional: true });
    const clock = at === undefined ? now() : new Date(at);
    if (Number.isNaN(clock.getTime()) || (at !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(at))) {
      throw new ValidationError({ code: 'body.invalid', message: '"now" must be an ISO date or date-time.', details: [{ pointer: '/now', code: 'format', message: 'not an ISO date or date-time' }] });
    }
    try {
      const tree = explain(rule, data, { operators, ...(schema ? { schema } : {}), context: { now: () => clock } });
      const view: RuleExplainView = { value: tree.value ?? null, passed: tree.passed, explanation: tree };
      return c.json(view);
    } catch (err) {
      if (isPipewrightError(err) && err.code.startsWith('rule.')) {
        const details: ErrorDetail[] = (err.details.length > 0 ? err.details : [{ pointer: err.pointer ?? '', code: err.code.replace(/^rule\./, ''), message: err.message }]).map((d) => ({ ...d, pointer: `/rule${d.pointer}` }));
        throw new ValidationError({ code: err.code, message: err.message, details });
      }
      // A plugin operator that throws on this sample record: the caller's answer, not a 500.
      const message = err instanceof Error ? err.message : String(err);
      throw new ValidationError({ code: 'rule.evaluation-failed', message: `The rule could not be evaluated on this record: ${message}`.slice(0, 500), details: [{ pointer: '/data', code: 'evaluation-failed', message: message.slice(0, 300) }] });
    }
  });

  return app;
}

function toProblem(d: ErrorDetail): RuleProblemView {
  return { pointer: d.pointer, code: d.code ?? 'invalid', message: d.message };
}

/** Whether the rule translates to SQL over the records table (segments, grading, metrics). */
function sqlSupport(rule: unknown, schema: JsonSchema, operators: OperatorRegistry): NonNullable<RuleCheckView['sql']> {
  try {
    toSql(rule, { schema, operators });
    return { supported: true };
  } catch (err) {
    if (isPipewrightError(err)) return { supported: false, reason: err.message, pointer: err.pointer ?? '' };
    throw err;
  }
}

import { DEFAULT_EVALUATION_LIMITS, checkRule, expandRuleReferences, errorDetails, explain, fieldsRead, isPipewrightError, parseRule, toSql, typeProblems, ValidationError, type ErrorDetail, type JsonSchema, type OperatorRegistry, type PipewrightError, type Registry } from '@pipewright/core';
import type { RuleCheckView, RuleExplainView, RuleOperatorInfo, RuleProblemView } from '@pipewright/core/api';
import type { Kysely } from 'kysely';
import { adminOnly, requireScope } from '../../auth/guards';
import type { Database } from '../../db/tables';
import { latestRules, resolverOf } from '../../rules/saved-rules';
import { RouteTable } from '../declare';
import { stringMember } from '../input';
import { requestLocale } from '../locale';

type Json = Record<string, unknown>;

const valueType = { enum: ['number', 'string', 'boolean', 'date', 'datetime', 'array', 'object', 'null', 'any'] };
const rule = { description: 'A json-logic rule (schemas/rule.schema.json).' };
const entity = { type: 'string', description: 'Entity type (e.g. acme.ticket): check field names and types against its schema.' };
const problemItem = { type: 'object', required: ['pointer', 'code', 'message'], properties: { pointer: { type: 'string', description: 'JSON pointer into the rule.' }, code: { type: 'string' }, message: { type: 'string' } } };
const explainNode: Json = {
  type: 'object',
  required: ['pointer', 'op', 'evaluated', 'passed', 'sentence', 'children'],
  properties: { pointer: { type: 'string' }, op: { type: 'string' }, evaluated: { type: 'boolean' }, value: { description: 'Absent when the sub-rule was not evaluated or gave `undefined`.' }, passed: { type: 'boolean' }, sentence: { type: 'string' }, children: { type: 'array', items: { type: 'object' } } },
};

const operatorList = {
  type: 'object', required: ['items'],
  properties: { items: { type: 'array', items: { type: 'object', required: ['name', 'owner', 'builtin', 'signature'], properties: { name: { type: 'string' }, owner: { type: 'string', description: '`jsonlogic`, `sales` or a plugin id.' }, builtin: { type: 'boolean' }, title: { type: 'string' }, description: { type: 'string' }, signature: { type: 'object', required: ['params', 'returns'], properties: { params: { type: 'array', items: valueType }, rest: valueType, minArgs: { type: 'integer' }, returns: valueType } } } } } },
};
const checked = { type: 'object', required: ['valid', 'problems', 'fieldsRead'], properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: problemItem }, fieldsRead: { type: 'array', items: { type: 'string' } }, sql: { type: 'object', description: 'Present for a valid rule checked against an entity.', properties: { supported: { type: 'boolean' }, reason: { type: 'string' }, pointer: { type: 'string' } } } } };
const explained = { type: 'object', required: ['value', 'passed', 'explanation'], properties: { value: {}, passed: { type: 'boolean' }, explanation: explainNode } };

/**
 * `/api/rules`: the rule engine as the server runs it, for the studio and for integrations.
 * - `GET /operators`: every operator a rule may use (json-logic's, the business operators, and those of
 *   loaded plugins, company plugins included) with its typed signature;
 * - `POST /check`: parse and type-check a rule, optionally against an entity, and say which
 *   fields it reads and whether it runs inside the database;
 * - `POST /explain`: evaluate a rule on a sample record and return the value of every sub-rule,
 *   within a work budget; admins only (the rule authors: it runs plugin code on caller data).
 * The first two need the `read` scope. References to saved rules (`{"rule": "<id>"}`, ADR 032)
 * are resolved against the rule library's latest versions; nothing is written.
 *
 * @example
 * ```ts
 * app.route('/api/rules', ruleRoutes(registry, now, db).app);
 * ```
 */
export function ruleRoutes(registry: Registry, now: () => Date, db: Kysely<Database>): RouteTable {
  const t = new RouteTable('/api/rules', ['rules']);
  const operators = registry.ruleOperators;

  t.on({ method: 'get', path: '/operators', operationId: 'listRuleOperators', summary: 'Every operator a rule may use: json-logic, the business operators (days_between, days_since, in_range, pct_of_target) and loaded plugins (company plugins included), with typed signatures', guards: [requireScope('read')], responses: { 200: { description: 'The operators', schema: operatorList } }, errors: [429] }, (c) => {
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

  t.on({ method: 'post', path: '/check', operationId: 'checkRule', summary: 'Parse and type-check a rule (operator allowlist, caps, paths, field types); which fields it reads; whether it runs in SQL', guards: [requireScope('read')], body: { type: 'object', required: ['rule'], additionalProperties: false, properties: { rule, entity } }, responses: { 200: { description: 'Checked; `problems` is empty when the rule is valid', schema: checked } }, errors: [403, 429] }, async (c, { body }) => {
    const schema = entitySchema(body);
    let problems: RuleProblemView[];
    let fields: string[] = [];
    let rule = ruleMember(body);
    try {
      rule = expandRuleReferences(rule, resolverOf(await latestRules(db))).logic;
      const tree = parseRule(rule, { operators });
      problems = typeProblems(tree, { operators, ...(schema ? { schema } : {}) }).map(toProblem);
      fields = fieldsRead(rule, { operators });
    } catch (err) {
      if (!isPipewrightError(err)) throw err;
      problems = ruleDetails(err).map(toProblem);
    }
    const sql = problems.length === 0 && schema ? sqlSupport(rule, schema, operators) : undefined;
    const view: RuleCheckView = { valid: problems.length === 0, problems, fieldsRead: fields, ...(sql ? { sql } : {}) };
    return c.json(view);
  });

  t.on({ method: 'post', path: '/explain', operationId: 'explainRule', summary: 'Evaluate a rule on a sample record and explain every sub-rule (admins; within a budget of 1,000,000 evaluation steps and lists or texts of 100,000)', guards: [adminOnly()], body: { type: 'object', required: ['rule'], additionalProperties: false, properties: { rule, entity, data: { description: 'The record (default `{}`).' }, now: { type: 'string', description: 'ISO date or date-time for the date operators (default: now).' } } }, responses: { 200: { description: 'Evaluated', schema: explained } }, errors: [403, 429] }, async (c, { body }) => {
    const schema = entitySchema(body);
    const data = Object.hasOwn(body, 'data') ? body.data : {};
    let rule = ruleMember(body);
    const at = stringMember(body, 'now', { max: 40, optional: true });
    const clock = at === undefined ? now() : isoInstant(at);
    const options = { operators, ...(schema ? { schema } : {}), context: { now: () => clock } };
    // The rule's own problems point into /rule ...
    try {
      rule = expandRuleReferences(rule, resolverOf(await latestRules(db))).logic;
      checkRule(rule, options);
    } catch (err) {
      if (isPipewrightError(err)) throw underRule(err);
      throw err;
    }
    // ... what goes wrong while it runs on this record does not: a rule that does too much work
    // (budget) points at its sub-rule, a plugin operator that throws at /data.
    try {
      const tree = explain(rule, data, { ...options, budget: EXPLAIN_BUDGET, locale: requestLocale(c) });
      const view: RuleExplainView = { value: tree.value ?? null, passed: tree.passed, explanation: tree };
      return c.json(view);
    } catch (err) {
      if (isPipewrightError(err) && err.code === 'rule.budget-exceeded') throw underRule(err);
      const message = err instanceof Error ? err.message : String(err);
      throw new ValidationError({ code: 'rule.evaluation-failed', message: `The rule could not be evaluated on this record: ${message}`.slice(0, 500), details: [{ pointer: '/data', code: 'evaluation-failed', message: message.slice(0, 300) }] });
    }
  });

  return t;
}

/**
 * Work a preview may do: sub-rule evaluations and the longest list or text a sub-rule produces.
 * A rule that doubles a list at every step (`reduce` of `merge(accumulator, accumulator)`) would
 * otherwise take all of the process's memory from a 100-byte request.
 */
const EXPLAIN_BUDGET = DEFAULT_EVALUATION_LIMITS;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO date (midnight UTC) or a date-time with `Z` or an offset; 422 naming `/now` otherwise. */
function isoInstant(text: string): Date {
  const m = ISO_INSTANT.exec(text);
  const at = new Date(m ? text : Number.NaN);
  // `new Date` rolls 2025-02-30 over into March: the calendar date must survive the round trip.
  const calendar = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) : '';
  if (!m || Number.isNaN(at.getTime()) || calendar !== text.slice(0, 10)) {
    throw new ValidationError({ code: 'body.invalid', message: '"now" must be an ISO date (2025-03-01) or a date-time with Z or an offset.', details: [{ pointer: '/now', code: 'format', message: 'not an ISO date or a date-time with Z or an offset' }] });
  }
  return at;
}

/** A rule error as a 422 whose pointers are under `/rule`. */
function underRule(err: PipewrightError): ValidationError {
  return new ValidationError({ code: err.code, message: err.message, details: ruleDetails(err).map((d) => ({ ...d, pointer: `/rule${d.pointer}` })) });
}

/** A rule error's problems, codes without the `rule.` namespace (as in its details). */
function ruleDetails(err: PipewrightError): ErrorDetail[] {
  return errorDetails(err).map((d) => (d.code === undefined ? d : { ...d, code: d.code.replace(/^rule\./, '') }));
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

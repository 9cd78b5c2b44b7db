import type { ErrorDetail } from '../errors';
import type { CompiledProcess } from './compile';
import { ProcessError } from './errors';

/** What a version migration would do (or did) with one record. */
export interface MigrationFate {
  id: string;
  fromStage: string | null;
  toStage: string | null;
  /** `migrate`: valid under the new version; `unmapped`: its stage has no counterpart; `invalid`: it would not meet the new stage's entry requirements. */
  status: 'migrate' | 'unmapped' | 'invalid';
  problems: ErrorDetail[];
}

/**
 * Checks a stage mapping between two versions: every key must be a stage of the old version,
 * every value a stage of the new one. Throws 422 with a pointer per wrong entry.
 *
 * @example
 * ```ts
 * checkStageMapping(v1, v2, { qualified: 'engaging' });
 * ```
 */
export function checkStageMapping(from: CompiledProcess, to: CompiledProcess, mapping: Record<string, string>): void {
  const details: ErrorDetail[] = [];
  for (const [k, v] of Object.entries(mapping)) {
    if (!from.stages.has(k)) details.push({ pointer: `/stageMapping/${k}`, message: `"${k}" is not a stage of version ${from.definition.version ?? '?'}`, code: 'unknown-stage' });
    if (!to.stages.has(v)) details.push({ pointer: `/stageMapping/${k}`, message: `"${v}" is not a stage of version ${to.definition.version ?? '?'}`, code: 'unknown-stage' });
  }
  if (details.length) throw new ProcessError({ code: 'process.invalid-stage-mapping', status: 422, message: 'The stage mapping names stages that do not exist.', details });
}

/**
 * Decides one record's fate in a migration: its stage is mapped (explicitly, else by the same
 * id), and it must meet the target stage's entry requirements under the new version. Records
 * that would be invalid are reported, never moved silently.
 *
 * @example
 * ```ts
 * planMigration({ id, stage: 'qualified', data }, v2, { qualified: 'engaging' });
 * // { status: 'invalid', problems: [{ pointer: '/data/next_step', message: 'is required' }], ... }
 * ```
 */
export function planMigration(record: { id: string; stage: string | null; data: Record<string, unknown> }, to: CompiledProcess, mapping: Record<string, string>): MigrationFate {
  const base = { id: record.id, fromStage: record.stage };
  if (record.stage === null) return { ...base, toStage: to.definition.initialStage, status: 'migrate', problems: [] };
  const target = mapping[record.stage] ?? (to.stages.has(record.stage) ? record.stage : null);
  if (target === null) {
    return { ...base, toStage: null, status: 'unmapped', problems: [{ pointer: `/stageMapping/${record.stage}`, message: `stage "${record.stage}" does not exist in the new version; map it`, code: 'unmapped-stage' }] };
  }
  const unmet = to.checkRequirements(target, record.data);
  if (unmet) return { ...base, toStage: target, status: 'invalid', problems: unmet.details };
  return { ...base, toStage: target, status: 'migrate', problems: [] };
}

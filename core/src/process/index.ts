/**
 * Process semantics, no I/O: checking a definition (with JSON pointers), compiling it (guards,
 * entry requirements, allowed moves), SLA deadlines, version diffs, migration planning and
 * backtests. The runtime executes; see docs/adr/005-process-runtime.md.
 */
export type { ActionDefinition, Assignee, LockedFields, ProcessDefinition, ProcessProblem, StageDefinition, StageKind, StageSla, TransitionDefinition } from './types';
export { ProcessError } from './errors';
export { BUILTIN_ACTION_TYPES, renderTemplate, type BuiltinActionType } from './builtin-actions';
export { actionTypeOf, type ProcessContext } from './context';
export { actionTypeCatalogue, configFields, enumValues, untranslatedActionTypes, type ActionTypeInfo, type ConfigField } from './action-catalogue';
export { checkProcess } from './check';
export { startsWhenMismatch } from './starts-when';
export { CompiledProcess, compileProcess, invalidProcess, type GuardResult } from './compile';
export { movesBetween, nextStages, graphProblems, sourcesOf, type Move } from './graph';
export { isLocked, lockedChanges } from './locks';
export { unmetRequirements, type UnmetRequirements } from './requirements';
export { PROCESS_TEXT_MEMBERS, untranslatedProcessTexts } from './texts';
export { addDuration, durationMillis, parseIsoDuration, slaTimes, type IsoDuration } from './duration';
export { diffProcesses, transitionKey, type MemberChange, type ProcessDiff, type RuleChange } from './diff';
export { checkStageMapping, planMigration, type MigrationFate } from './migrate';
export { DEFAULT_WEBHOOK_SECRET_ENV, REDACTED, WEBHOOK_SECRET_ENV_PREFIX, isAllowedSecretEnv, redactProcessSecrets, secretProperties } from './secrets';
export { replayTransitions, type BacktestReport, type BlockReason, type RecordedTransition } from './backtest';
export type { ExplainNode } from '../rules/explain';

import { useState } from 'react';
import { processApi, type MigrationReport, type ProcessDetail, type ProcessDiff, type StageDefinition } from '../../api/processes';
import { ApiError } from '../../api/problem';

/** Records migrated per call while applying a migration (the progress bar advances per batch). */
export const MIGRATION_BATCH = 200;

/** Where publishing stands. */
export type PublishState =
  | { phase: 'confirm'; latest: number | null; diff: ProcessDiff | null }
  | { phase: 'publishing' }
  | { phase: 'plan'; fromVersion: number; toVersion: number; stages: StageDefinition[]; mapping: Record<string, string>; report: MigrationReport | null; error: string | null }
  | { phase: 'migrating'; fromVersion: number; toVersion: number; done: number; total: number }
  | { phase: 'done'; version: number; moved: number; left: number; fromVersion: number | null }
  | { phase: 'error'; message: string }
  | null;

const stagesChanged = (diff: ProcessDiff | null): boolean => diff !== null && (diff.stages.added.length > 0 || diff.stages.removed.length > 0 || diff.stages.changed.length > 0);
const messageOf = (err: unknown): string => (err instanceof ApiError ? err.problem.detail : err instanceof Error ? err.message : String(err));

/**
 * Publishing with confirmation: the dialog shows what changes against the latest version; after
 * publishing a version whose stages changed, it shows the dry run of migrating the records still
 * on the previous version (counts per stage mapping, records that would fail), lets the admin map
 * stages that have no counterpart, and applies the migration on confirmation in batches with
 * progress. Records that stay behind keep working on their version.
 *
 * @example
 * ```ts
 * const flow = usePublishFlow(() => actions.ready(), setDetail);
 * flow.start();
 * ```
 */
export function usePublishFlow(ready: () => Promise<ProcessDetail | undefined>, setDetail: (p: ProcessDetail) => void) {
  const [state, setState] = useState<PublishState>(null);
  const [saved, setSaved] = useState<ProcessDetail | null>(null);

  const dryRun = async (from: number, to: number, stages: StageDefinition[], mapping: Record<string, string>) => {
    setState({ phase: 'plan', fromVersion: from, toVersion: to, stages, mapping, report: null, error: null });
    try {
      const report = await processApi.migrate(saved?.id ?? '', { fromVersion: from, toVersion: to, stageMapping: mapping, dryRun: true });
      setState({ phase: 'plan', fromVersion: from, toVersion: to, stages, mapping, report, error: null });
    } catch (err) {
      setState({ phase: 'plan', fromVersion: from, toVersion: to, stages, mapping, report: null, error: messageOf(err) });
    }
  };

  return {
    state,
    /** Saves a dirty draft, then asks for confirmation with the changes against the latest version. */
    start: async () => {
      const detail = await ready();
      if (!detail) return;
      setSaved(detail);
      const latest = detail.latestVersion;
      let diff: ProcessDiff | null = null;
      try {
        if (latest !== null) diff = await processApi.diff(detail.id, latest, 'draft');
      } catch (err) {
        return setState({ phase: 'error', message: messageOf(err) });
      }
      setState({ phase: 'confirm', latest, diff });
    },
    /** Publishes; then offers the migration when stages changed and records are on the previous version. */
    confirm: async () => {
      if (!saved || state?.phase !== 'confirm') return;
      const { latest, diff } = state;
      setState({ phase: 'publishing' });
      try {
        const published = await processApi.publish(saved.id, saved.draftRevision);
        const fresh = await processApi.get(saved.id);
        setSaved(fresh);
        setDetail(fresh);
        if (latest === null || !stagesChanged(diff)) return setState({ phase: 'done', version: published.version, moved: 0, left: 0, fromVersion: null });
        const stages = (await processApi.version(saved.id, published.version)).definition.stages;
        setState({ phase: 'plan', fromVersion: latest, toVersion: published.version, stages, mapping: {}, report: null, error: null });
        const report = await processApi.migrate(saved.id, { fromVersion: latest, toVersion: published.version, stageMapping: {}, dryRun: true });
        if (report.records.length === 0) return setState({ phase: 'done', version: published.version, moved: 0, left: 0, fromVersion: null });
        setState({ phase: 'plan', fromVersion: latest, toVersion: published.version, stages, mapping: {}, report, error: null });
      } catch (err) {
        setState({ phase: 'error', message: messageOf(err) });
      }
    },
    /** Maps a stage of the old version (re-running the dry run). */
    map: (from: string, to: string) => {
      if (state?.phase !== 'plan') return;
      const mapping = { ...state.mapping };
      if (to) mapping[from] = to;
      else delete mapping[from];
      void dryRun(state.fromVersion, state.toVersion, state.stages, mapping);
    },
    /** Applies the migration in batches, with progress. */
    apply: async () => {
      if (!saved || state?.phase !== 'plan' || !state.report) return;
      const { fromVersion, toVersion, mapping } = state;
      const total = state.report.counts.migrate;
      let done = 0;
      setState({ phase: 'migrating', fromVersion, toVersion, done, total });
      try {
        for (;;) {
          const r = await processApi.migrate(saved.id, { fromVersion, toVersion, stageMapping: mapping, dryRun: false, limit: MIGRATION_BATCH });
          done += r.moved;
          setState({ phase: 'migrating', fromVersion, toVersion, done, total: Math.max(total, done + r.remaining) });
          if (r.moved === 0 || r.remaining === 0) {
            return setState({ phase: 'done', version: toVersion, moved: done, left: r.counts.unmapped + r.counts.invalid, fromVersion });
          }
        }
      } catch (err) {
        setState({ phase: 'error', message: messageOf(err) });
      }
    },
    /** Leaves the records on the previous version. */
    skip: () => {
      if (state?.phase !== 'plan') return;
      setState({ phase: 'done', version: state.toVersion, moved: 0, left: state.report?.records.length ?? 0, fromVersion: state.fromVersion });
    },
    close: () => setState(null),
  };
}

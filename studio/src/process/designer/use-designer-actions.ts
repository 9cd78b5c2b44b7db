import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { processApi, type ProcessDefinition, type ProcessDetail, type ProcessDiff, type SimulationReport } from '../../api/processes';
import { ApiError } from '../../api/problem';
import { withLayout } from './designer-model';
import { locateProblems, NO_PROBLEMS } from './problem-map';
import type { DesignerState } from './use-designer-state';

/** A status line of the designer. */
export interface DesignerMessage {
  kind: 'ok' | 'error';
  text: string;
}

/**
 * Save, check, compare and backtest, with server problems mapped onto the canvas; `ready` gives
 * the saved process to publish (see `usePublishFlow`). Comparing and publishing save a dirty draft first.
 *
 * @example
 * ```ts
 * const actions = useDesignerActions(state, detail, setDetail, () => flow.getViewport());
 * await actions.save();
 * ```
 */
export function useDesignerActions(d: DesignerState, detail: ProcessDetail, setDetail: (p: ProcessDetail) => void, viewport: () => { x: number; y: number; zoom: number } | undefined) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<DesignerMessage | null>(null);
  const [diff, setDiff] = useState<{ diff: ProcessDiff; version: number } | null>(null);
  const [report, setReport] = useState<SimulationReport | null>(null);
  const doc = (): ProcessDefinition => withLayout(d.def, d.positions(), viewport());

  const failed = (sent: ProcessDefinition, err: unknown) => {
    if (err instanceof ApiError) {
      if (err.status === 412) return setMessage({ kind: 'error', text: t('designer.conflict') });
      if (err.problem.errors?.length) d.setProblems(locateProblems(sent, err.problem.errors));
      return setMessage({ kind: 'error', text: err.problem.detail });
    }
    setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
  };
  const run = async <T,>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(name);
    setMessage(null);
    try {
      return await work();
    } finally {
      setBusy(null);
    }
  };

  /** Saves the draft; resolves the saved process, or undefined when the server refused it. */
  const saveDraft = async (): Promise<ProcessDetail | undefined> => {
    const sent = doc();
    try {
      const saved = await processApi.saveDraft(detail.id, sent, detail.draftRevision);
      setDetail(saved);
      d.markClean();
      d.setProblems(NO_PROBLEMS);
      return saved;
    } catch (err) {
      failed(sent, err);
      return undefined;
    }
  };

  return {
    busy,
    message,
    diff,
    report,
    save: () => run('save', async () => {
      const saved = await saveDraft();
      if (saved) setMessage({ kind: 'ok', text: t('designer.saved', { revision: saved.draftRevision }) });
    }),
    check: () => run('check', async () => {
      const sent = doc();
      try {
        const r = await processApi.check(detail.id, sent);
        d.setProblems(locateProblems(sent, r.problems));
        setMessage(r.valid ? { kind: 'ok', text: t('designer.valid') } : { kind: 'error', text: t('designer.problemCount', { count: r.problems.length }) });
      } catch (err) {
        failed(sent, err);
      }
    }),
    compare: () => run('compare', async () => {
      const saved = d.dirty ? await saveDraft() : detail;
      if (!saved) return;
      if (saved.latestVersion === null) return setMessage({ kind: 'ok', text: t('designer.diff.noPublished') });
      try {
        setDiff({ diff: await processApi.diff(detail.id, saved.latestVersion, 'draft'), version: saved.latestVersion });
      } catch (err) {
        failed(doc(), err);
      }
    }),
    simulate: () => run('simulate', async () => {
      const sent = doc();
      try {
        setReport(await processApi.simulate(detail.id, sent));
      } catch (err) {
        failed(sent, err);
      }
    }),
    /** The saved process, saving a dirty draft first (undefined when the server refused it). */
    ready: (): Promise<ProcessDetail | undefined> => (d.dirty ? saveDraft() : Promise.resolve(detail)),
  };
}

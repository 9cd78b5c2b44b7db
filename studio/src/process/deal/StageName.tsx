import type { LocalizableText } from '@pipewright/core/i18n';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { processApi } from '../../api/processes';
import type { EntityInfo, RecordView } from '../../api/types';
import { stageLabel } from '../../plugins/localize';

/**
 * A record's stage by name in the reader's language: the label its pinned process version gives
 * the stage (ADR 019), else the plugin's translation of the stage id, else the id.
 *
 * @example
 * ```tsx
 * <StageName entity={deal} record={record} />
 * ```
 */
export function StageName({ entity, record }: { entity: EntityInfo; record: Pick<RecordView, 'stage' | 'process'> }) {
  const { i18n } = useTranslation();
  const [label, setLabel] = useState<LocalizableText | undefined>(undefined);
  const pinned = record.process;
  useEffect(() => {
    if (!pinned || record.stage === null) return;
    const ctrl = new AbortController();
    processApi
      .version(pinned.id, pinned.version, ctrl.signal)
      .then((v) => setLabel(v.definition.stages.find((s) => s.id === record.stage)?.label))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [pinned?.id, pinned?.version, record.stage]);
  return <>{record.stage === null ? '—' : stageLabel(entity, record.stage, label, i18n.language)}</>;
}

import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EntityInfo, RecordView } from '../api/types';
import { RecordForm } from './RecordForm';

/** Props of {@link ReferenceCreateDialog}. */
export interface ReferenceCreateDialogProps {
  /** The referenced entity a new record is created of. */
  entity: EntityInfo;
  /** Starting values (e.g. the title typed into the picker). */
  initialData: Record<string, unknown>;
  onCreated(record: RecordView): void;
  onClose(): void;
}

/**
 * A modal dialog with the generated create form of a referenced entity (e.g. a new contact as a
 * deal's decision maker), opened from a reference picker: the created record becomes the
 * picker's value. Rendered at the document's end so its form never nests in the picker's form
 * (and its submit never reaches it).
 *
 * @example
 * ```tsx
 * <ReferenceCreateDialog entity={contact} initialData={{ last_name: 'Wu' }} onCreated={(r) => choose(r)} onClose={close} />
 * ```
 */
export default function ReferenceCreateDialog({ entity, initialData, onCreated, onClose }: ReferenceCreateDialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const titleId = `new-${entity.fullId.replace(/\W/g, '-')}-title`;
  return createPortal(
    // React events bubble through portals: keep the inner form's submit from the picker's form
    <div onSubmit={(e) => e.stopPropagation()}>
      <dialog ref={ref} className="move-dialog reference-dialog" aria-labelledby={titleId} onClose={onClose} data-testid="reference-create-dialog">
        <h2 id={titleId}>{t('forms.newReferenceTitle', { entity: entity.label })}</h2>
        <RecordForm
          entity={entity}
          initialData={initialData}
          submitLabel={t('actions.create')}
          onSubmit={async (data) => {
            const created = await api.create(entity.fullId, data);
            onCreated(created);
          }}
          onCancel={onClose}
        />
      </dialog>
    </div>,
    document.body,
  );
}

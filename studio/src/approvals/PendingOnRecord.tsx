import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useUserNames } from '../app/user-names';
import { processText } from '../plugins/localize';
import { approvalsApi, type ApprovalInfo } from './api';

/**
 * On a record's page: the moves and changes of this record held for approval that the reader may
 * see (the requester, its approvers, admins), so nobody edits or moves it again unaware. Shows
 * nothing when none wait, and nothing when the runtime cannot say.
 *
 * @example
 * ```tsx
 * <PendingOnRecord recordId={record.id} version={record.version} />
 * ```
 */
export function PendingOnRecord({ recordId, version }: { recordId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const names = useUserNames();
  const [items, setItems] = useState<ApprovalInfo[]>([]);
  useEffect(() => {
    const ctrl = new AbortController();
    approvalsApi.pendingOn(recordId, ctrl.signal).then((r) => setItems(r.items), () => setItems([]));
    return () => ctrl.abort();
  }, [recordId, version]);
  if (items.length === 0) return null;
  const who = (id: string | null) => (id ? (names.get(id) ?? id) : '—');
  const list = (ids: string[]) => new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(ids.map(who));
  return (
    <section className="notice-box" aria-labelledby="pending-approvals-title" data-testid="pending-approvals">
      <h2 id="pending-approvals-title">{t('approvals.onRecord.title')}</h2>
      <ul>
        {items.map((a) => (
          <li key={a.id} data-kind={a.kind}>
            {a.kind === 'edit' && a.edit
              ? t('approvals.onRecord.edit', { rule: processText(a.edit.label, i18n.language), who: who(a.requester), approvers: list(a.approvers) })
              : t('approvals.onRecord.move', { stage: a.labels.to ? processText(a.labels.to, i18n.language) : (a.to ?? ''), who: who(a.requester), approvers: list(a.approvers) })}{' '}
            <Link href="/approvals">{t('approvals.onRecord.open')}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

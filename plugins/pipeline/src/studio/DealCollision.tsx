import type { RecordPanelProps, StudioHost } from '@pipewright/studio/plugin-api';

interface Collision {
  account: string;
  accountName: string | null;
  accountOwnerName: string;
  dealOwnerName: string;
}

/**
 * 撞单 on the deal page: when the deal's owner is not the owner of its account (the deal's
 * `computed.collision`, from the pipeline plugin's runtime), a warning naming the account and
 * both reps. Shows nothing otherwise.
 */
export function dealCollision({ ui, useT }: StudioHost) {
  return function DealCollision({ record }: RecordPanelProps) {
    const t = useT();
    const c = record.computed?.collision as Collision | undefined;
    if (!c) return null;
    return (
      <ui.Panel title={t('collision.title')} testId="deal-collision">
        <p role="alert" className="field-error">
          {t('collision.body', { dealOwner: c.dealOwnerName, accountOwner: c.accountOwnerName })}{' '}
          <ui.Link href={`/records/crm.account/${c.account}`}>{c.accountName ?? c.account}</ui.Link>
        </p>
        <p className="muted">{t('collision.help')}</p>
      </ui.Panel>
    );
  };
}

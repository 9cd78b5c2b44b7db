import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';

/**
 * 撞单 on the deal page: when the deal's owner is not the owner of its account (the deal's
 * `computed.collision_with`, from the pipeline plugin's runtime), a warning naming the account's
 * owner with a link to the account. Shows nothing otherwise.
 */
export function dealCollision({ ui, useT }: StudioHost) {
  return function DealCollision({ record }: RecordPanelProps) {
    const t = useT();
    const accountOwner = record.computed?.collision_with;
    const account = record.data.account_id;
    if (typeof accountOwner !== 'string' || typeof account !== 'string') return null;
    return (
      <ui.Panel title={t('collision.title')} testId="deal-collision">
        <p role="alert" className="field-error">
          {t('collision.body', { accountOwner })} <ui.Link href={`/records/crm.account/${account}`}>{t('collision.account')}</ui.Link>
        </p>
        <p className="muted">{t('collision.help')}</p>
      </ui.Panel>
    );
  };
}

import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import type { Stint } from './PoolPage';

/** A pooled lead (the handoff plugin's `/api/plugins/handoff/pool` routes; absent without that plugin). */
export interface PoolLead {
  id: string;
  company: string;
  contact: string;
  stage: string | null;
  history: Stint[];
}
export type LeadPage = { items: PoolLead[]; total: number; me: { held: number; claimsToday: number } | null };

/**
 * The leads of a pool on the pool page (the handoff plugin's `/api/plugins/handoff/pool` routes):
 * the claim rules as they apply to leads, each waiting lead with its contact and owner history,
 * a one-click claim for members, and paging.
 */
export function poolLeads({ React, useT, ui }: StudioHost, StintList: (props: { history: Stint[] }) => ReturnType<StudioHost['React']['createElement']>) {
  return function PoolLeads({ pool, leads, offset, pageSize, busy, onClaim, onOffset }: { pool: { id: string; member: boolean; maxHeld: number; maxClaimsPerDay: number; cooldownDays: number }; leads: LeadPage | null; offset: number; pageSize: number; busy: boolean; onClaim: (l: PoolLead) => void; onOffset: (n: number) => void }) {
    const t = useT();
    return (
          <section className="panel" data-testid="pool-leads" data-pool={pool.id}>
            <p data-testid="pool-leads-summary" style={{ marginTop: 0 }}>
              {t('pool.leads.rules', { held: pool.maxHeld, daily: pool.maxClaimsPerDay, cooldown: pool.cooldownDays })}
              {leads?.me && pool.member ? ` ${t('pool.mine', { held: leads.me.held, claims: leads.me.claimsToday })}` : ''}
            </p>
            {!leads && <p className="muted">{t('pool.loading')}</p>}
            {leads && leads.items.length === 0 && <p>{t('pool.leads.empty')}</p>}
            {leads && leads.items.length > 0 && (
              <table style={{ width: '100%' }}>
                <thead>
                  <tr>
                    <th style={{ textAlign: 'left' }}>{t('pool.col.lead')}</th>
                    <th style={{ textAlign: 'left' }}>{t('pool.col.contact')}</th>
                    <th style={{ textAlign: 'left' }}>{t('pool.col.history')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {leads.items.map((l) => (
                    <tr key={l.id} data-lead={l.company} style={{ verticalAlign: 'top' }}>
                      <td>
                        <ui.Link href={`/records/handoff.lead/${l.id}`}>{l.company}</ui.Link>
                      </td>
                      <td>{l.contact}</td>
                      <td>
                        <StintList history={l.history} />
                      </td>
                      <td style={{ textAlign: 'right' }}>
                        {pool.member && (
                          <button type="button" className="primary" onClick={() => onClaim(l)} disabled={busy}>
                            {t('pool.claim')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {leads && leads.total > pageSize && (
              <p className="muted">
                {t('pool.more', { from: offset + 1, to: offset + leads.items.length, total: leads.total })}{' '}
                <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
                  {t('pool.previous')}
                </button>{' '}
                <button type="button" disabled={offset + pageSize >= leads.total} onClick={() => onOffset(offset + pageSize)}>
                  {t('pool.next')}
                </button>
              </p>
            )}
          </section>
    );
  };
}

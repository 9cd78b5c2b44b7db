import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { BUCKETS, bucketOf, moveTarget, problemLine } from './shared';

export interface BoardPerson {
  id: string;
  rep_id: string;
  name: string;
  team: string | null;
  total: number;
  computed_total: number;
}

/**
 * The calibration board: the people in calibration as cards in buckets of 20 points. A manager
 * drags a card to another bucket (or focuses it and presses the left or right arrow key); a
 * dialog asks for the new total within that bucket and the reason, which are required, then the
 * move goes to `POST /evaluations/:id/calibrate` (kept on the evaluation and in its audited history).
 */
export function calibrationBoard(host: StudioHost) {
  const { React, api, useT, useLanguage } = host;
  return function CalibrationBoard({ people, onMoved }: { people: readonly BoardPerson[]; onMoved(): Promise<void> | void }) {
    const t = useT();
    const language = useLanguage();
    const [move, setMove] = React.useState<{ person: BoardPerson; to: number; total: string; reason: string; error: string } | null>(null);
    const [over, setOver] = React.useState<number | null>(null);
    const dialog = React.useRef<HTMLDialogElement>(null);
    const returnFocus = React.useRef<string | null>(null);
    const fmt = (n: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(n);

    React.useEffect(() => {
      const d = dialog.current;
      if (!d) return;
      if (move && !d.open) {
        d.showModal();
        // The reason is what a move must carry (the total starts inside the bucket): start there.
        d.querySelector<HTMLInputElement>('input[name="reason"]')?.focus();
      }
      if (!move && d.open) d.close();
    }, [move]);

    const start = (person: BoardPerson, to: number) => {
      if (to < 0 || to >= BUCKETS.length || to === bucketOf(person.total)) return;
      returnFocus.current = person.id;
      setMove({ person, to, total: String(moveTarget(person.total, to)), reason: '', error: '' });
    };
    const close = () => {
      setMove(null);
      const id = returnFocus.current;
      if (id) setTimeout(() => document.querySelector<HTMLElement>(`[data-card="${id}"]`)?.focus(), 0);
    };
    const submit = async (e: React.FormEvent) => {
      e.preventDefault();
      if (!move) return;
      const total = Number(move.total);
      const [lo, hi] = BUCKETS[move.to]!.range;
      if (move.total.trim() === '' || !Number.isFinite(total) || total < lo || total > hi || (move.to < BUCKETS.length - 1 && total >= hi)) return setMove({ ...move, error: t('board.totalOutside', { bucket: BUCKETS[move.to]!.label }) });
      if (move.reason.trim() === '') return setMove({ ...move, error: t('board.reasonRequired') });
      try {
        await api.request('POST', `/api/plugins/scorecard/evaluations/${move.person.id}/calibrate`, { json: { total, reason: move.reason.trim() } });
        close();
        await onMoved();
      } catch (err) {
        setMove({ ...move, error: problemLine(err) });
      }
    };

    return (
      <div data-testid="calibration-board">
        <p className="muted" id="calibration-board-help">
          {t('board.help')}
        </p>
        <div className="scorecard-board" style={{ display: 'grid', gridTemplateColumns: `repeat(${BUCKETS.length}, minmax(9rem, 1fr))`, gap: '0.5rem', overflowX: 'auto' }}>
          {BUCKETS.map((b, i) => {
            const inBucket = people.filter((p) => bucketOf(p.total) === i).sort((a, c) => c.total - a.total);
            return (
              <section
                key={b.label}
                aria-label={t('board.bucket', { bucket: b.label, n: inBucket.length })}
                data-testid={`bucket-${b.label}`}
                data-bucket={i}
                onDragOver={(e) => {
                  e.preventDefault();
                  e.dataTransfer.dropEffect = 'move';
                  setOver(i);
                }}
                onDragLeave={() => setOver((o) => (o === i ? null : o))}
                onDrop={(e) => {
                  e.preventDefault();
                  setOver(null);
                  const person = people.find((p) => p.id === e.dataTransfer.getData('text/plain'));
                  if (person) start(person, i);
                }}
                style={{ border: '1px solid var(--border, #ccc)', borderRadius: 6, padding: '0.4rem', minHeight: '8rem', background: over === i ? 'var(--accent-soft, rgba(60,120,220,0.12))' : undefined }}
              >
                <h3 style={{ margin: '0 0 0.4rem', fontSize: '0.95rem' }}>
                  {b.label} <span className="muted">({inBucket.length})</span>
                </h3>
                {inBucket.map((p) => (
                  <div
                    key={p.id}
                    role="button"
                    tabIndex={0}
                    draggable
                    data-card={p.id}
                    data-rep={p.rep_id}
                    aria-describedby="calibration-board-help"
                    aria-label={t('board.card', { name: p.name, total: fmt(p.total) })}
                    onDragStart={(e) => {
                      e.dataTransfer.setData('text/plain', p.id);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onKeyDown={(e) => {
                      if (e.key === 'ArrowRight') {
                        e.preventDefault();
                        start(p, i + 1);
                      } else if (e.key === 'ArrowLeft') {
                        e.preventDefault();
                        start(p, i - 1);
                      }
                    }}
                    className="scorecard-card"
                    style={{ cursor: 'grab', border: '1px solid var(--border, #ccc)', borderRadius: 4, padding: '0.25rem 0.4rem', marginBottom: '0.3rem', background: 'var(--surface, #fff)' }}
                  >
                    <strong>{p.name}</strong>
                    <div className="muted">
                      {p.team ?? ''} · {fmt(p.total)}
                      {p.total !== p.computed_total && ` (${t('me.computed')} ${fmt(p.computed_total)})`}
                    </div>
                  </div>
                ))}
              </section>
            );
          })}
        </div>
        <dialog ref={dialog} aria-labelledby="calibration-move-title" data-testid="calibration-dialog" onCancel={(e) => { e.preventDefault(); close(); }}>
          {move && (
            <form onSubmit={(e) => void submit(e)} noValidate>
              <h2 id="calibration-move-title">{t('board.moveTitle', { name: move.person.name, from: BUCKETS[bucketOf(move.person.total)]!.label, to: BUCKETS[move.to]!.label })}</h2>
              <p className="muted">{t('board.moveNote', { computed: fmt(move.person.computed_total) })}</p>
              <p>
                <label>
                  {t('team.calibrateTotal')}{' '}
                  <input name="total" type="number" step="any" min={BUCKETS[move.to]!.range[0]} max={BUCKETS[move.to]!.range[1]} value={move.total} onChange={(e) => setMove({ ...move, total: e.target.value, error: '' })} />
                </label>
              </p>
              <p>
                <label>
                  {t('team.calibrateReason')}{' '}
                  <input name="reason" size={48} required value={move.reason} onChange={(e) => setMove({ ...move, reason: e.target.value, error: '' })} />
                </label>
              </p>
              {move.error && (
                <p className="form-alert" role="alert" data-testid="calibration-dialog-error">
                  {move.error}
                </p>
              )}
              <p>
                <button type="submit">{t('team.calibrate')}</button>{' '}
                <button type="button" onClick={close}>
                  {t('board.cancel')}
                </button>
              </p>
            </form>
          )}
        </dialog>
      </div>
    );
  };
}

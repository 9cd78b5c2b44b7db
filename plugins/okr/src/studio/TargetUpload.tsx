import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { formatNumber } from './model';

interface UploadRow {
  line: number;
  metric: string;
  period: string;
  scope: string;
  value: number | null;
  existing: number | null;
  problems: { column: string; code: string; message: string; other?: number }[];
}

/**
 * The CSV upload of the targets page: choose a file, see every row as it would be written (new
 * or replacing which value) with its problems naming the column, then import all rows at once
 * (`POST /api/plugins/okr/targets/upload`, `commit` false then true).
 *
 * @example
 * ```tsx
 * const Upload = targetUpload(host);
 * <Upload metric="pipeline.won_value" names={new Map([['unit:region-east', 'East']])} onDone={reload} />
 * ```
 */
export function targetUpload(host: StudioHost) {
  const { React, api, ui, useT, useLanguage } = host;
  return function TargetUpload({ metric, names, onDone }: { metric: string; names: ReadonlyMap<string, string>; onDone: () => void }) {
    const t = useT();
    const language = useLanguage();
    const [csv, setCsv] = React.useState<string | null>(null);
    const [rows, setRows] = React.useState<UploadRow[] | null>(null);
    const [message, setMessage] = React.useState<string | null>(null);
    const [done, setDone] = React.useState<string | null>(null);
    const [busy, setBusy] = React.useState(false);
    const problemText = (p: UploadRow['problems'][number]) => {
      const key = `upload.code.${p.code}`;
      const text = t(key, { column: p.column, other: p.other ?? '' });
      return text === key ? `${p.column}: ${p.message}` : text;
    };
    const failure = (err: unknown) => {
      const p = (err as { problem?: { detail?: string; errors?: { message?: string }[] } } | null)?.problem;
      return p ? [p.detail, ...(p.errors ?? []).map((e) => e.message)].filter(Boolean).join(' · ') : err instanceof Error ? err.message : String(err);
    };
    async function send(text: string, commit: boolean) {
      setBusy(true);
      setMessage(null);
      try {
        const r = await api.request<{ rows: UploadRow[]; created: number; updated: number }>('POST', '/api/plugins/okr/targets/upload', { json: { csv: text, metric, commit } });
        setRows(r.rows);
        if (commit) {
          setDone(t('upload.done', { created: r.created, updated: r.updated }));
          setCsv(null);
          setRows(null);
          onDone();
        }
      } catch (err) {
        setMessage(failure(err));
      } finally {
        setBusy(false);
      }
    }
    const bad = rows?.filter((r) => r.problems.length > 0).length ?? 0;
    return (
      <ui.Panel title={t('upload.title')} testId="targets-upload">
        <p className="muted">{t('upload.help')}</p>
        <label>
          {t('upload.file')}{' '}
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="upload-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              setRows(null);
              setDone(null);
              if (file) void file.text().then((text) => {
                setCsv(text);
                return send(text, false);
              });
            }}
          />
        </label>
        {message && <p role="alert" className="form-alert" data-testid="upload-problem">{message}</p>}
        {done && <p role="status" data-testid="upload-done">{done}</p>}
        {rows && (
          <>
            <p role="status" data-testid="upload-summary">{bad > 0 ? t('upload.problems', { n: bad }) : t('upload.ready', { n: rows.length })}</p>
            <table className="records" data-testid="upload-preview" style={{ fontSize: 13 }}>
              <thead>
                <tr>
                  <th scope="col">{t('upload.row')}</th>
                  <th scope="col">{t('upload.scope')}</th>
                  <th scope="col">{t('upload.period')}</th>
                  <th scope="col">{t('upload.value')}</th>
                  <th scope="col">{t('upload.result')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.line} data-line={r.line} data-ok={r.problems.length === 0}>
                    <td>{r.line}</td>
                    <td data-scope={r.scope}>{names.get(r.scope) ?? r.scope}</td>
                    <td>{r.period}</td>
                    <td>{formatNumber(r.value, language)}</td>
                    <td>
                      {r.problems.length === 0 ? (
                        <span className="muted">{r.existing === null ? t('upload.new') : t('upload.replaces', { old: formatNumber(r.existing, language) })}</span>
                      ) : (
                        <ul style={{ margin: 0, paddingLeft: 16, color: '#cf222e' }}>
                          {r.problems.map((p) => (
                            <li key={`${p.column}-${p.code}`} data-column={p.column} data-testid="upload-row-problem">{problemText(p)}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" className="primary" data-testid="upload-commit" disabled={busy || bad > 0 || rows.length === 0 || csv === null} onClick={() => csv !== null && void send(csv, true)}>
              {t('upload.commit', { n: rows.length })}
            </button>
          </>
        )}
      </ui.Panel>
    );
  };
}

/** An item of `GET /api/plugins/handoff/inbox`. */
export interface InboxItem {
  type: string;
  id: string;
  title: string;
  kind: string;
  from: { id: string; name: string } | null;
  dueAt: string | null;
  secondsLeft: number | null;
  reason: string | null;
  reasonZh: string | null;
  rule: string | null;
}

/** What the convert route answers. */
export interface Converted {
  lead: string;
  account: { id: string; created: boolean };
  contact: { id: string; created: boolean };
  deal: { id: string; created: boolean };
}

/**
 * A duration as the countdown shows it: days and hours, hours and minutes, or minutes (at
 * least one); the sign is left to the caller.
 *
 * @example
 * ```ts
 * duration(4 * 3600 - 59); // '3h 59m'
 * ```
 */
export function duration(seconds: number, language = 'en'): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const zh = language.startsWith('zh');
  if (d > 0) return zh ? `${d}天${h}小时` : `${d}d ${h}h`;
  if (h > 0) return zh ? `${h}小时${m}分钟` : `${h}h ${m}m`;
  const mm = Math.max(m, s > 0 ? 1 : 0);
  return zh ? `${mm}分钟` : `${mm}m`;
}

/** The routing explanation in the reader's language. */
export function reasonIn(language: string, reason: string | null | undefined, reasonZh: string | null | undefined): string {
  return (language.startsWith('zh') ? (reasonZh ?? reason) : reason) ?? '';
}

/** Seconds left until `dueAt` at `nowMs` (negative when late), or null without a deadline. */
export function secondsLeft(dueAt: string | null, nowMs: number): number | null {
  return dueAt ? Math.round((Date.parse(dueAt) - nowMs) / 1000) : null;
}

/** The readable text of a failed API call (problem+json detail and field messages). */
export function problemMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { detail?: unknown; message?: unknown; problem?: { detail?: unknown; errors?: { message?: string; pointer?: string }[] }; body?: { detail?: unknown } };
    const detail = e.problem?.detail ?? e.body?.detail ?? e.detail ?? e.message;
    const errors = e.problem?.errors?.map((x) => `${x.pointer ?? ''} ${x.message ?? ''}`.trim()) ?? [];
    return [typeof detail === 'string' ? detail : String(detail ?? ''), ...errors].filter(Boolean).join(' ');
  }
  return String(err);
}

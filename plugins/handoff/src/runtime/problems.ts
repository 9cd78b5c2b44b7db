/**
 * Problems the handoff plugin's routes answer. The platform turns an error with `code`, `kind`,
 * `status` and `details` into RFC 9457 problem+json (plugins import only the SDK, so the shape is
 * built here rather than with core's error classes).
 *
 * @example
 * ```ts
 * throw problem(409, 'handoff.not-pending', 'The lead is not waiting for acceptance.', [{ pointer: '/stage', message: 'is converted' }]);
 * ```
 */
export function problem(status: number, code: string, message: string, details: { pointer: string; message: string; code?: string }[] = []): Error {
  return Object.assign(new Error(message), { code, kind: 'user', status, details: details.map((d) => ({ code, ...d })), extensions: {} });
}

/** The status of a platform error (412 stale version, 409 duplicate...), or null. */
export function statusOf(err: unknown): number | null {
  return typeof err === 'object' && err !== null && 'status' in err && typeof (err as { status: unknown }).status === 'number' ? (err as { status: number }).status : null;
}

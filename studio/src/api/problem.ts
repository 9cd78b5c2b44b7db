import type { ProblemDocument } from './types';

/**
 * A failed API call, carrying the server's RFC 9457 problem document (or one made up for
 * network failures and non-problem answers).
 *
 * @example
 * ```ts
 * try { await api.get('/api/records/acme.ticket/x'); } catch (e) { if (e instanceof ApiError && e.status === 404) ... }
 * ```
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDocument;

  constructor(problem: ProblemDocument) {
    super(problem.detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

/**
 * Reads a problem document out of a failed response; falls back to the status text.
 *
 * @example
 * ```ts
 * if (!res.ok) throw new ApiError(await readProblem(res));
 * ```
 */
export async function readProblem(res: Response): Promise<ProblemDocument> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<ProblemDocument>;
    if (parsed && typeof parsed === 'object' && typeof parsed.detail === 'string') {
      return { ...parsed, status: res.status, detail: parsed.detail, code: parsed.code ?? `http-${res.status}` };
    }
  } catch {
    // not JSON: fall through
  }
  return { status: res.status, code: `http-${res.status}`, detail: text.slice(0, 300) || res.statusText || `HTTP ${res.status}` };
}

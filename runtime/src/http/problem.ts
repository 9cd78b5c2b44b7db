import { isPipewrightError, type ErrorDetail } from '@pipewright/core';
import { HTTPException } from 'hono/http-exception';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: ErrorDetail[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Builds a problem document. `type` is a stable URI per error code.
 *
 * @example
 * ```ts
 * problem(404, 'not-found', 'There is no entity "x".');
 * ```
 */
export function problem(status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://pipewright.dev/problems/${code}`, title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

/**
 * Turns any thrown value into a problem. Deliberate errors keep their status and details;
 * anything else is a 500 whose detail reveals nothing internal.
 *
 * @example
 * ```ts
 * app.onError((err, c) => { const p = toProblem(err); return c.json(p, p.status); });
 * ```
 */
export function toProblem(err: unknown): Problem {
  if (isPipewrightError(err)) {
    const extra: Partial<Problem> = { ...err.extensions };
    if (err.details.length) extra.errors = err.details;
    if (err.pointer !== undefined) extra.pointer = err.pointer;
    return problem(err.status, err.code, err.message, extra);
  }
  if (err instanceof HTTPException) {
    if (err.status === 413) return problem(413, 'body-too-large', 'The request body is larger than the server accepts.');
    return problem(err.status, `http-${err.status}`, err.message || TITLES[err.status] || 'Error');
  }
  return problem(500, 'internal', 'An unexpected error occurred. It has been logged with the request id.');
}

import { PipewrightError } from '@pipewright/core';

/**
 * A 403 problem: the caller is known but may not do this.
 *
 * @example
 * ```ts
 * throw forbidden('Only admins can publish processes.');
 * ```
 */
export function forbidden(message: string, pointer?: string): PipewrightError {
  return new PipewrightError({ code: 'forbidden', status: 403, message, ...(pointer === undefined ? {} : { details: [{ pointer, message: 'not allowed', code: 'forbidden' }] }) });
}

/**
 * A 401 problem: no valid credential came with the request.
 *
 * @example
 * ```ts
 * throw unauthenticated('The session has expired; sign in again.');
 * ```
 */
export function unauthenticated(message = 'Sign in, or send a bearer API token.'): PipewrightError {
  return new PipewrightError({ code: 'unauthenticated', status: 401, message });
}

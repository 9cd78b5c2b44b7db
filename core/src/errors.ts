/**
 * Typed errors. Every error the platform raises on purpose is a {@link PipewrightError} with a
 * stable `code`, a `kind` and, where it concerns a document, the file and JSON pointer.
 * Only the runtime's error handler turns them into RFC 9457 problem+json.
 *
 * @example
 * ```ts
 * throw new PipewrightError({ code: 'plugin.cycle', kind: 'user', message: 'a -> b -> a', plugin: 'a' });
 * ```
 */
import type { LocalizableText } from './i18n/text';

export type ErrorKind = 'user' | 'operational' | 'unexpected';

/** One problem inside a document or request, located by a JSON pointer. */
export interface ErrorDetail {
  /** JSON pointer (RFC 6901) into the document or request body, `''` for the whole of it. */
  pointer: string;
  /** Human-readable explanation of what is wrong at that pointer. */
  message: string;
  /** For problems in a query parameter or header rather than the body: its name. */
  parameter?: string;
  /** Stable machine code of this particular problem, e.g. `required`, `type`, `unknown-field`. */
  code?: string;
  /** Extra facts a client may render (allowed values, limits). */
  params?: Record<string, unknown>;
}

export interface PipewrightErrorInit {
  code: string;
  kind?: ErrorKind;
  message: string;
  /** HTTP status the runtime should answer with; defaults by kind. */
  status?: number;
  file?: string;
  pointer?: string;
  plugin?: string;
  details?: ErrorDetail[];
  cause?: unknown;
  /** Extra members copied into the problem document. */
  extensions?: Record<string, unknown>;
  /**
   * The message by language tag, for a message that quotes user-visible content held in several
   * languages (a stage label, a guard message); the runtime answers in the request's language
   * (ADR 019). `message` stays the English text.
   */
  localizedMessage?: LocalizableText;
}

/**
 * Base class of every deliberate error.
 *
 * @example
 * ```ts
 * if (err instanceof PipewrightError && err.code === 'rule.unknown-operator') { ... }
 * ```
 */
export class PipewrightError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly file: string | undefined;
  readonly pointer: string | undefined;
  readonly plugin: string | undefined;
  readonly details: ErrorDetail[];
  readonly extensions: Record<string, unknown>;
  readonly localizedMessage: LocalizableText | undefined;

  constructor(init: PipewrightErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.kind = init.kind ?? 'user';
    this.status = init.status ?? (this.kind === 'user' ? 400 : this.kind === 'operational' ? 503 : 500);
    this.file = init.file;
    this.pointer = init.pointer;
    this.plugin = init.plugin;
    this.details = init.details ?? [];
    this.extensions = init.extensions ?? {};
    this.localizedMessage = init.localizedMessage;
  }
}

/** A document (manifest, entity, rule, process...) does not match its schema. 422 by default. */
export class ValidationError extends PipewrightError {
  constructor(init: Omit<PipewrightErrorInit, 'kind'> & { kind?: ErrorKind }) {
    super({ status: 422, ...init, kind: init.kind ?? 'user' });
  }
}

/** A plugin cannot be loaded: bad manifest, cycle, missing dependency, incompatible apiVersion. */
export class PluginError extends PipewrightError {
  constructor(init: Omit<PipewrightErrorInit, 'kind'>) {
    super({ status: 500, ...init, kind: 'operational' });
  }
}

/** A rule is refused by the checker or cannot be compiled or translated. */
export class RuleError extends PipewrightError {
  constructor(init: Omit<PipewrightErrorInit, 'kind'>) {
    super({ status: 422, ...init, kind: 'user' });
  }
}

/** Something requested does not exist (or is not visible to the caller). */
export class NotFoundError extends PipewrightError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super({ code: 'not-found', kind: 'user', status: 404, message, extensions });
  }
}

/** Type guard usable across package boundaries (instanceof may fail with duplicated modules). */
export function isPipewrightError(err: unknown): err is PipewrightError {
  return (
    err instanceof PipewrightError ||
    (typeof err === 'object' && err !== null && 'code' in err && 'kind' in err && 'status' in err && 'details' in err)
  );
}

/**
 * The problems an error reports: its `details`, or the error itself as the one problem (its
 * pointer, message and code) when it has none.
 *
 * @example
 * ```ts
 * for (const d of errorDetails(err)) show(d.pointer, d.message);
 * ```
 */
export function errorDetails(err: PipewrightError): ErrorDetail[] {
  return err.details.length > 0 ? [...err.details] : [{ pointer: err.pointer ?? '', message: err.message, code: err.code }];
}

import { dereference, validate, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { createErrorHandler, toErrorSchema, unwrapErrorHandler, validationDataMerge, type CustomValidator, type ErrorTransformer, type RJSFSchema, type RJSFValidationError, type UiSchema, type ValidationData, type ValidatorType } from '@rjsf/utils';
import { typesSchema } from '@pipewright/schemas';

/** Turns a failed keyword into a message (the studio passes its i18n here). */
export type MessageFor = (keyword: string, params: Record<string, unknown>) => string;

const englishMessages: MessageFor = (keyword, p) => {
  switch (keyword) {
    case 'required': return 'is required';
    case 'false': return 'is not a known field';
    case 'minLength': return `must be at least ${String(p.limit)} characters`;
    case 'maxLength': return `must be at most ${String(p.limit)} characters`;
    case 'minimum': return `must be at least ${String(p.limit)}`;
    case 'maximum': return `must be at most ${String(p.limit)}`;
    case 'pattern': return 'has the wrong format';
    case 'format': return `must be a valid ${String(p.format)}`;
    case 'enum': return 'must be one of the listed values';
    case 'type': return `must be ${String(p.type)}`;
    default: return 'is invalid';
  }
};

/** Keywords whose errors only wrap their sub-schemas' errors. */
const WRAPPERS = new Set(['$ref', '$recursiveRef', 'properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties', 'items', 'prefixItems', 'additionalItems', 'unevaluatedItems', 'allOf', 'if', 'then', 'else', 'dependentSchemas', 'dependencies', 'contains']);

interface Prepared {
  schema: Schema;
  lookup: Record<string, Schema | boolean>;
}

const typesLookup = dereference(structuredClone(typesSchema) as Schema);

function decodeSegment(s: string): string {
  return decodeURI(s).replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The rjsf `property` of an instance location (`#/amount/currency` -> `.amount.currency`).
 *
 * @example
 * ```ts
 * toProperty(['amount', 'currency']); // '.amount.currency'
 * ```
 */
export function toProperty(path: readonly string[]): string {
  return path.map((s) => (/^[A-Za-z_$][\w$]*$|^\d+$/.test(s) ? `.${s}` : `['${s.replace(/'/g, "\\'")}']`)).join('');
}

/**
 * A JSON Schema validator for rjsf that never compiles code: it interprets schemas with
 * `@cfworker/json-schema`, so the studio runs under `script-src 'self'` without
 * `unsafe-eval` (ajv and rjsf's ajv8 validator generate functions with `new Function`).
 * The platform's shared types schema is preloaded, so entity schemas may `$ref`
 * `https://pipewright.dev/schemas/types.schema.json#/$defs/money`. See docs/adr/004-studio-forms.md.
 *
 * @example
 * ```ts
 * const validator = new InterpretingValidator((keyword, params) => t(`validation.${keyword}`, params));
 * <Form schema={schema} validator={validator} />
 * ```
 */
export class InterpretingValidator<T = unknown> implements ValidatorType<T, RJSFSchema> {
  private cache = new WeakMap<object, WeakMap<object, Prepared>>();

  constructor(private readonly messageFor: MessageFor = englishMessages) {}

  /** Validates against `schema`, resolving `#/$defs/...` against `rootSchema`'s `$defs`. */
  private prepare(schema: RJSFSchema, rootSchema: RJSFSchema): Prepared {
    let inner = this.cache.get(schema);
    if (!inner) this.cache.set(schema, (inner = new WeakMap()));
    const hit = inner.get(rootSchema);
    if (hit) return hit;
    const defs = { ...((rootSchema.$defs as object | undefined) ?? {}), ...((schema.$defs as object | undefined) ?? {}) };
    const definitions = { ...((rootSchema.definitions as object | undefined) ?? {}), ...((schema.definitions as object | undefined) ?? {}) };
    const combined = structuredClone({ ...schema, $defs: defs, definitions }) as Schema;
    const embedsTypes = Object.values(defs).some((d) => (d as { $id?: unknown } | null)?.$id === typesSchema.$id);
    const prepared = { schema: combined, lookup: dereference(combined, embedsTypes ? Object.create(null) : { ...typesLookup }) };
    inner.set(rootSchema, prepared);
    return prepared;
  }

  private run(schema: RJSFSchema, data: unknown, rootSchema: RJSFSchema): { prepared: Prepared; errors: OutputUnit[] } {
    const prepared = this.prepare(schema, rootSchema);
    const result = validate(data ?? {}, prepared.schema, '2020-12', prepared.lookup, false);
    return { prepared, errors: result.errors };
  }

  /** Follows a keyword location (through `$ref`s) to the keyword's value. */
  private keywordValue(prepared: Prepared, location: string): unknown {
    let node: unknown = prepared.schema;
    for (const seg of location.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeSegment)) {
      if (node === null || typeof node !== 'object') return undefined;
      const obj = node as Record<string, unknown>;
      node = seg === '$ref' ? prepared.lookup[String(obj.__absolute_ref__ ?? obj.$ref)] : obj[seg];
    }
    return node;
  }

  /** rjsf errors of a validation, leaf keywords only, with translated messages. */
  toErrors(prepared: Prepared, units: OutputUnit[]): RJSFValidationError[] {
    const out: RJSFValidationError[] = [];
    const seen = new Set<string>();
    for (const u of units) {
      if (WRAPPERS.has(u.keyword)) continue;
      const path = u.instanceLocation.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeSegment);
      const params: Record<string, unknown> = {};
      if (u.keyword === 'required' || u.keyword === 'dependentRequired') {
        const m = /"([^"]+)"/.exec(u.error);
        if (m?.[1]) path.push(m[1]);
        params.missingProperty = m?.[1];
      } else if (u.keyword !== 'false') {
        const value = this.keywordValue(prepared, u.keywordLocation);
        params.limit = value;
        if (u.keyword === 'format') params.format = value;
        if (u.keyword === 'type') params.type = Array.isArray(value) ? value.join(' or ') : value;
        if (u.keyword === 'enum') params.allowedValues = value;
      }
      const keyword = u.keyword === 'dependentRequired' ? 'required' : u.keyword;
      const message = this.messageFor(keyword, params);
      const property = toProperty(path);
      const key = `${property}|${keyword}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: keyword, property, message, params, schemaPath: u.keywordLocation, stack: `${property || '.'} ${message}`.trim() });
    }
    return out;
  }

  validateFormData(
    formData: T | undefined,
    schema: RJSFSchema,
    customValidate?: CustomValidator<T, RJSFSchema>,
    transformErrors?: ErrorTransformer<T, RJSFSchema>,
    uiSchema?: UiSchema<T, RJSFSchema>,
  ): ValidationData<T> {
    const { prepared, errors: units } = this.run(schema, formData, schema);
    let errors = this.toErrors(prepared, units);
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const data: ValidationData<T> = { errors, errorSchema: toErrorSchema<T>(errors) };
    if (!customValidate) return data;
    const handler = customValidate(formData, createErrorHandler<T>(formData as T), uiSchema, data.errorSchema);
    return validationDataMerge<T>(data, unwrapErrorHandler<T>(handler));
  }

  isValid(schema: RJSFSchema, formData: T | undefined, rootSchema: RJSFSchema): boolean {
    try {
      return this.run(schema, formData, rootSchema).errors.length === 0;
    } catch {
      return false;
    }
  }

  rawValidation<Result = OutputUnit>(schema: RJSFSchema, formData?: T): { errors?: Result[]; validationError?: Error } {
    try {
      const { errors } = this.run(schema, formData, schema);
      return { errors: errors as Result[] };
    } catch (err) {
      return { validationError: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  reset(): void {
    this.cache = new WeakMap();
  }
}

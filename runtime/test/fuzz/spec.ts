/** A JSON Schema as OpenAPI 3.1 carries it (only what the generators read). */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

/** One operation of `/openapi.json`, flattened for the fuzzer. */
export interface Operation {
  id: string;
  method: string;
  /** Path template, e.g. `/api/records/{type}/{id}/transitions`. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  headers: string[];
  /** The JSON body's schema, when the operation takes one. */
  body?: Schema;
  bodyRequired: boolean;
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation | OpenApiParameter[]>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Every operation of the document, with path-level parameters merged into each.
 *
 * @example
 * ```ts
 * const ops = operationsOf(await (await fetch(url + '/openapi.json')).json());
 * ```
 */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as OpenApiParameter[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as OpenApiOperation | undefined;
      if (!op) continue;
      const params = [...shared, ...(op.parameters ?? [])];
      const json = op.requestBody?.content?.['application/json'];
      out.push({
        id: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
        ...(json ? { body: json.schema ?? {} } : {}),
        bodyRequired: Boolean(json) && op.requestBody?.required !== false,
      });
    }
  }
  return out;
}

/**
 * Resolves a local `$ref` (`#/components/schemas/X`) against the document; anything else is
 * returned as is.
 */
export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && s.$ref; i++) {
    const name = s.$ref.startsWith('#/components/schemas/') ? s.$ref.slice('#/components/schemas/'.length) : undefined;
    const target = name ? doc.components?.schemas?.[name] : undefined;
    if (!target) return {};
    s = target;
  }
  return s;
}

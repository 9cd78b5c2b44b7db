import { metricDimensionFields, type FieldInfo, type LocalizedText, type MetricMeasure, type Registry, type RegisteredMetric } from '@pipewright/core';

/** Time grains a query may split a period by. */
export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

/** Org levels a metric can be rolled up to: org units by kind, and the record's owner. */
export const ORG_DIMENSIONS = { company: 'company', office: 'region', team: 'team' } as const;
export type OrgDimension = keyof typeof ORG_DIMENSIONS;

/**
 * One way a metric can be split, as the query names it:
 * - `org`: an org level (`company`, `office`, `team`), from the tree above the record's org unit;
 * - `owner`: the record's owner;
 * - `stage`, `process`: system columns of stageful records;
 * - `enum`: an enum body field, valued by itself;
 * - `reference`: a reference field, named without its `_id` suffix and valued by the referenced
 *   record's title, with the id beside it.
 */
export type Dimension =
  | { name: OrgDimension; kind: 'org'; unitKind: string }
  | { name: 'owner'; kind: 'owner' }
  | { name: 'stage' | 'process'; kind: 'stage' | 'process' }
  | { name: string; kind: 'enum'; field: FieldInfo }
  | { name: string; kind: 'reference'; field: FieldInfo; entity: string; titleField: string };

/** Whether a dimension is valued by a name with its id beside it (`office` and `office_id`). */
export const hasIdColumn = (d: Dimension): boolean => d.kind === 'org' || d.kind === 'owner' || d.kind === 'reference';

/** A metric with everything the engine needs resolved. */
export interface CatalogMetric {
  id: string;
  declaration: RegisteredMetric;
  /** Base metrics it is computed from: itself, or a ratio's parts (full ids). */
  parts: string[];
  dimensions: Map<string, Dimension>;
  /** Whether every base metric has a time field (so grains and from/to apply). */
  timed: boolean;
}

/** What `GET /api/metrics` says about one metric. */
export interface MetricInfo {
  id: string;
  plugin: string;
  entity: string;
  label: LocalizedText;
  description: LocalizedText | null;
  measure: MetricMeasure;
  unit: string;
  currency: string | null;
  time: string | null;
  grains: Grain[];
  stageKinds: string[] | null;
  dimensions: { name: string; kind: Dimension['kind']; idColumn: string | null; field: string | null }[];
}

const dimensionName = (f: FieldInfo) => (f.reference && f.name.endsWith('_id') ? f.name.slice(0, -3) : f.name);

/**
 * The metrics every loaded plugin declares, resolved once: their parts, time and dimensions.
 *
 * @example
 * ```ts
 * const catalog = new MetricCatalog(registry);
 * catalog.get('pipeline.won_value')?.dimensions.has('office'); // true
 * ```
 */
export class MetricCatalog {
  readonly metrics = new Map<string, CatalogMetric>();

  constructor(readonly registry: Registry) {
    for (const m of registry.metrics.values()) this.metrics.set(m.fullId, this.#resolve(m));
  }

  get(id: string): CatalogMetric | undefined {
    return this.metrics.get(id);
  }

  /** Everything about every metric, for `GET /api/metrics`. */
  list(): MetricInfo[] {
    return [...this.metrics.values()].map((m) => {
      const d = m.declaration;
      const base = this.metrics.get(m.parts[0] ?? '')?.declaration;
      return {
        id: m.id,
        plugin: d.plugin,
        entity: d.entity,
        label: d.label,
        description: d.description ?? null,
        measure: d.measure,
        unit: d.unit ?? ('ratio' in d.measure ? 'ratio' : d.measure.aggregate === 'count' ? 'count' : 'number'),
        currency: d.currency ?? null,
        time: 'ratio' in d.measure ? (base?.time ?? null) : (d.time ?? null),
        grains: m.timed ? [...GRAINS] : [],
        stageKinds: d.stageKinds ?? null,
        dimensions: [...m.dimensions.values()].map((x) => ({ name: x.name, kind: x.kind, idColumn: hasIdColumn(x) ? `${x.name}_id` : null, field: x.kind === 'enum' || x.kind === 'reference' ? x.field.name : null })),
      };
    });
  }

  /** Every dimension of an entity: org levels, owner, stage and process if stageful, enum and reference fields. */
  entityDimensions(entityId: string): Map<string, Dimension> {
    const entity = this.registry.entity(entityId);
    const dims = this.#baseDimensions(entity.stageful === true);
    for (const field of entity.fields.values()) this.#addField(dims, field);
    return dims;
  }

  #baseDimensions(stageful: boolean): Map<string, Dimension> {
    const dims = new Map<string, Dimension>();
    for (const [name, unitKind] of Object.entries(ORG_DIMENSIONS)) dims.set(name, { name: name as OrgDimension, kind: 'org', unitKind });
    dims.set('owner', { name: 'owner', kind: 'owner' });
    if (stageful) {
      dims.set('stage', { name: 'stage', kind: 'stage' });
      dims.set('process', { name: 'process', kind: 'process' });
    }
    return dims;
  }

  #addField(dims: Map<string, Dimension>, field: FieldInfo): void {
    const name = dimensionName(field);
    if (dims.has(name)) return;
    if (field.reference) {
      const target = this.registry.entities.get(field.reference.entity);
      dims.set(name, { name, kind: 'reference', field, entity: field.reference.entity, titleField: target?.titleField ?? field.reference.lookup ?? 'name' });
    } else if (field.enum) dims.set(name, { name, kind: 'enum', field });
  }

  #resolve(m: RegisteredMetric): CatalogMetric {
    const entity = this.registry.entity(m.entity);
    const parts = 'ratio' in m.measure ? [...new Set([...m.measure.ratio.numerator, ...m.measure.ratio.denominator])].map((id) => `${m.plugin}.${id}`) : [m.fullId];
    const partDecls = parts.map((p) => this.registry.metrics.get(p)).filter((x): x is RegisteredMetric => x !== undefined);
    const dims = this.#baseDimensions(entity.stageful === true);
    // A ratio splits by what all of its parts split by (and by its own list when it has one).
    const allowed = partDecls.map((p) => new Set(metricDimensionFields(p, entity)));
    const own = 'ratio' in m.measure ? new Set(metricDimensionFields(m, entity)) : null;
    for (const field of entity.fields.values()) {
      if (allowed.every((s) => s.has(field.name)) && (!own || own.has(field.name))) this.#addField(dims, field);
    }
    return { id: m.fullId, declaration: m, parts, dimensions: dims, timed: partDecls.every((p) => p.time !== undefined) };
  }
}

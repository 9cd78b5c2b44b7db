import { PluginError } from '../errors';
import { toSql } from '../rules/sql/to-sql';
import type { Registry } from './registry';
import type { FieldInfo, LoadedEntity, MetricDeclaration } from './types';

/** System columns a metric may use as a time (period) or duration end. */
export const METRIC_SYSTEM_TIMES = ['createdAt', 'updatedAt'] as const;

/** Whether a body field can split a metric: an enum or a reference to another record. */
export const isDimensionField = (f: FieldInfo): boolean => f.enum !== undefined || f.reference !== undefined;

/** The body fields (enums and references) a metric may be split by. */
export function metricDimensionFields(metric: MetricDeclaration, entity: LoadedEntity): string[] {
  return metric.dimensions ?? [...entity.fields.values()].filter(isDimensionField).map((f) => f.name);
}

const isTime = (entity: LoadedEntity, name: string) =>
  (METRIC_SYSTEM_TIMES as readonly string[]).includes(name) || entity.fields.get(name)?.type === 'date';

/**
 * Checks the metrics one plugin declares against the registry: the entity exists; measured,
 * time and dimension fields exist and have a fitting type; the filter passes the rule checker
 * and translates to SQL; stage kinds and stage weights are only used on stageful entities; a
 * ratio names metrics of the same plugin and entity that are not ratios themselves. Each problem
 * is a PluginError with the plugin, `plugin.json` and the JSON pointer of the offending member.
 *
 * @example
 * ```ts
 * checkMetrics(registry, 'pipeline', manifest.contributes?.metrics ?? []);
 * ```
 */
export function checkMetrics(registry: Registry, plugin: string, metrics: readonly MetricDeclaration[]): void {
  const local = new Map(metrics.map((m) => [m.id, m]));
  metrics.forEach((m, i) => {
    const at = `/contributes/metrics/${i}`;
    const fail = (pointer: string, message: string, code = 'plugin.invalid-metric'): never => {
      throw new PluginError({ code, plugin, file: 'plugin.json', pointer: `${at}${pointer}`, message: `Metric "${plugin}.${m.id}": ${message}` });
    };
    const entity = registry.entities.get(m.entity);
    if (!entity) return fail('/entity', `counts unknown entity "${m.entity}".`, 'plugin.unknown-entity');
    const field = (name: string, pointer: string): FieldInfo => entity.fields.get(name) ?? fail(pointer, `${m.entity} has no field "${name}".`);
    const timeField = (name: string, pointer: string) => {
      if (!isTime(entity, name)) {
        field(name, pointer);
        fail(pointer, `"${name}" is not a date or date-time field (nor createdAt/updatedAt).`);
      }
    };
    const measure = m.measure;
    if ('ratio' in measure) {
      (['numerator', 'denominator'] as const).forEach((side) =>
        measure.ratio[side].forEach((id, j) => {
          const part = local.get(id);
          const pointer = `/measure/ratio/${side}/${j}`;
          if (!part) fail(pointer, `names unknown metric "${plugin}.${id}" (a ratio adds up metrics of its own plugin).`);
          else if ('ratio' in part.measure) fail(pointer, `"${plugin}.${id}" is itself a ratio.`);
          else if (part.entity !== m.entity) fail(pointer, `"${plugin}.${id}" counts ${part.entity}, not ${m.entity}.`);
        }),
      );
    } else if (measure.aggregate !== 'count') {
      if (measure.field !== undefined) {
        const f = field(measure.field, '/measure/field');
        if (f.type !== 'number' && f.format !== 'money') fail('/measure/field', `"${measure.field}" is neither a number nor money.`);
      }
      if (measure.duration) {
        timeField(measure.duration.from, '/measure/duration/from');
        timeField(measure.duration.to, '/measure/duration/to');
      }
      if (measure.weight && !entity.stageful) fail('/measure/weight', `${m.entity} has no stages to weigh by.`);
    }
    if (m.stageKinds && !entity.stageful) fail('/stageKinds', `${m.entity} has no stages.`);
    if (m.time !== undefined) timeField(m.time, '/time');
    m.dimensions?.forEach((d, j) => {
      if (!isDimensionField(field(d, `/dimensions/${j}`))) fail(`/dimensions/${j}`, `"${d}" is neither an enum nor a reference field, so it cannot split the metric.`);
    });
    if (m.filter !== undefined) {
      try {
        toSql(m.filter, { schema: entity.schema, operators: registry.ruleOperators });
      } catch (err) {
        const e = err as { pointer?: string; message: string };
        throw new PluginError({ code: 'plugin.invalid-metric', plugin, file: 'plugin.json', pointer: `${at}/filter${e.pointer ?? ''}`, message: `Metric "${plugin}.${m.id}": the filter is refused: ${e.message}`, cause: err });
      }
    }
  });
}

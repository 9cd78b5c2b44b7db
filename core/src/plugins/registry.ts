import { NotFoundError, PluginError } from '../errors';
import { createOperatorRegistry, type OperatorRegistry } from '../rules/operators/registry';
import { registerBusinessOperators } from '../rules/operators/business';
import type { ActionHandler, PluginRuntime } from './define-plugin';
import type {
  ActionTypeDeclaration,
  ContributedDocument,
  LoadedEntity,
  MetricDeclaration,
  OperatorDeclaration,
  PluginManifest,
} from './types';

/** A loaded plugin: its manifest, where it came from and its optional runtime part. */
export interface LoadedPlugin {
  manifest: PluginManifest;
  location: string;
  runtime?: PluginRuntime;
}

export interface RegisteredActionType extends ActionTypeDeclaration {
  fullId: string;
  plugin: string;
  handler?: ActionHandler;
}

export interface ManifestOperator extends OperatorDeclaration {
  plugin: string;
}

export interface RegisteredMetric extends MetricDeclaration {
  fullId: string;
  plugin: string;
}

/**
 * What every loaded plugin contributes, by full id (`<plugin>.<local id>`). A plugin reaches
 * another plugin's capability only through here, never by import.
 *
 * @example
 * ```ts
 * const ticket = registry.entity('acme.ticket');
 * registry.actionType('acme.notify_oncall');
 * ```
 */
export class Registry {
  readonly plugins: LoadedPlugin[] = [];
  readonly entities = new Map<string, LoadedEntity>();
  readonly processes = new Map<string, ContributedDocument>();
  readonly rules = new Map<string, ContributedDocument>();
  readonly actionTypes = new Map<string, RegisteredActionType>();
  readonly operators = new Map<string, ManifestOperator>();
  /** The rule engine's operator allowlist: json-logic's operators, the business operators (dates, ranges, percent of target), then plugins'. */
  readonly ruleOperators: OperatorRegistry;
  readonly metrics = new Map<string, RegisteredMetric>();
  /** Dashboards plugins ship as defaults, by `<plugin>.<id>` (the runtime stores them on start). */
  readonly dashboards = new Map<string, ContributedDocument>();

  constructor() {
    this.ruleOperators = createOperatorRegistry();
    registerBusinessOperators(this.ruleOperators);
  }

  /** The entity with this full id, or a 404 {@link NotFoundError}. */
  entity(fullId: string): LoadedEntity {
    const entity = this.entities.get(fullId);
    if (!entity) throw new NotFoundError(`There is no entity "${fullId}".`, { entity: fullId });
    return entity;
  }

  /** The action type with this full id, or a 404 {@link NotFoundError}. */
  actionType(fullId: string): RegisteredActionType {
    const action = this.actionTypes.get(fullId);
    if (!action) throw new NotFoundError(`There is no action type "${fullId}".`, { actionType: fullId });
    return action;
  }

  /** Adds one contribution, refusing an id another plugin (or this one) already took. */
  add<K extends 'entities' | 'processes' | 'rules' | 'dashboards' | 'actionTypes' | 'operators' | 'metrics'>(
    kind: K,
    id: string,
    value: Registry[K] extends Map<string, infer V> ? V : never,
    where: { plugin: string; file: string; pointer: string },
  ): void {
    const map = this[kind] as Map<string, unknown>;
    const prior = map.get(id) as { plugin?: string } | undefined;
    if (prior) {
      throw new PluginError({
        code: 'plugin.duplicate-contribution',
        ...where,
        message: `Plugin "${where.plugin}" contributes ${kind} "${id}", already contributed by "${prior.plugin ?? 'the core'}".`,
      });
    }
    map.set(id, value);
  }

  /** A JSON-friendly summary, as `/health` reports it. */
  summary(): { id: string; version: string; location: string; entities: string[] }[] {
    return this.plugins.map((p) => ({
      id: p.manifest.id,
      version: p.manifest.version,
      location: p.location,
      entities: [...this.entities.values()].filter((e) => e.plugin === p.manifest.id).map((e) => e.fullId),
    }));
  }
}

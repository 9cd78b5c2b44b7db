import { createContext, useContext } from 'react';
import type { ExplainNode } from './engine';

/** What the canvas shows on each node besides its data: problems and preview values. */
export interface RuleView {
  problems: ReadonlyMap<string, string[]>;
  values: ReadonlyMap<string, ExplainNode>;
}

/** Provides {@link RuleView} to the node components. */
export const RuleViewContext = createContext<RuleView>({ problems: new Map(), values: new Map() });

/**
 * The problems and preview value of one node.
 *
 * @example
 * ```ts
 * const { problems, value } = useNodeView(id);
 * ```
 */
export function useNodeView(id: string): { problems: string[]; value: ExplainNode | undefined } {
  const view = useContext(RuleViewContext);
  return { problems: view.problems.get(id) ?? [], value: view.values.get(id) };
}

import { useEffect, useState } from 'react';
import { fetchRuleOperators } from '../api/rules';
import { setServerOperators } from './engine';

let loading: Promise<void> | undefined;
let version = 0;
const listeners = new Set<() => void>();

/**
 * Loads the server's operator list once per page (company plugins' operators included) into the
 * studio's rule engine, and re-renders when it arrives: the returned number changes then, so
 * memos that check or list operators can depend on it.
 *
 * @example
 * ```tsx
 * const operatorsVersion = useServerOperatorList();
 * const names = useMemo(() => ruleOperators().list().map((o) => o.name), [operatorsVersion]);
 * ```
 */
export function useServerOperatorList(): number {
  const [seen, setSeen] = useState(version);
  useEffect(() => {
    const listener = () => setSeen(version);
    listeners.add(listener);
    loading ??= fetchRuleOperators().then(
      (list) => {
        setServerOperators(list);
        version++;
        for (const l of listeners) l();
      },
      () => {
        // Offline or signed out: the browser's own operators still work; try again next time.
        loading = undefined;
      },
    );
    // The list may have arrived between the first render and this effect.
    listener();
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return seen;
}

import type { HostReact } from '@pipewright/plugin-sdk/studio';
import { problemText, type ProblemText } from './model';

/** A call's state: loading, its answer, or the problem it failed with. */
export type Load<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'failed'; problem: ProblemText };

const LOADING = { state: 'loading' } as const;

/**
 * A hook (made with the host's React) that runs `fetch` whenever `key` changes, aborting the
 * previous call, and reports its state.
 *
 * @example
 * ```ts
 * const useLoad = loadHook(React);
 * const funnel = useLoad(JSON.stringify(body), (signal) => api.request('POST', '/api/metrics/funnel', { json: body, signal }));
 * ```
 */
export function loadHook(React: HostReact) {
  return function useLoad<T>(key: string, fetch: (signal: AbortSignal) => Promise<T>): Load<T> {
    const [load, setLoad] = React.useState<{ key: string; load: Load<T> }>({ key, load: { state: 'loading' } });
    React.useEffect(() => {
      const ctrl = new AbortController();
      setLoad({ key, load: { state: 'loading' } });
      fetch(ctrl.signal).then(
        (data) => !ctrl.signal.aborted && setLoad({ key, load: { state: 'ok', data } }),
        (err: unknown) => !ctrl.signal.aborted && setLoad({ key, load: { state: 'failed', problem: problemText(err) } }),
      );
      return () => ctrl.abort();
      // the key names everything the call depends on
    }, [key]);
    // an answer to an earlier key is not shown while the new one loads
    return load.key === key ? load.load : LOADING;
  };
}

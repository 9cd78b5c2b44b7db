import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Everything the server printed so far (for diagnosing a failed run). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `runtime/src/main.ts` in its own process (so clients and server do not share a
 * thread) and resolves once it prints its URL. `BENCH_SERVER_ROOT` in `env` runs another
 * checkout's runtime instead (for A/B comparisons of two commits in one run); `script` runs
 * another server (the API benchmark's baseline).
 *
 * @example
 * ```ts
 * const server = await startServerProcess({ PIPEWRIGHT_DATA_DIR: 'memory', PORT: '0' });
 * ```
 */
export function startServerProcess(env: Record<string, string>, timeoutMs = 180_000, script = 'runtime/src/main.ts'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_SERVER_PROF] : []), '--import', 'tsx', script], { cwd: env.BENCH_SERVER_ROOT ?? ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (http:\/\/\S+?)\/?\s/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

import { spawnSync } from 'node:child_process';
import { randomBytes, scrypt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SCRYPT } from '../src/auth/password';
import { startServerProcess } from './server-process';

/**
 * `npm run bench:password`: what one password hash costs and what sign-ins do to a server's
 * memory (ADR 003, addendum "password hash cost").
 *
 * 1. Each scrypt parameter set OWASP lists as equivalent (N * p constant at r = 8), and the
 *    current default: median time of 5 hashes in this process, and the memory one hash needs
 *    (128 * N * r bytes).
 * 2. A real server (`runtime/src/main.ts` in its own process, PGlite in a temporary folder, an
 *    admin made by `pipewright init`): its RSS (from /proc) before, at its peak during, and after 100 sign-ins,
 *    4 at a time, and the median sign-in latency.
 *
 * Last line: one JSON object with the figures.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'bench-password-1234';
const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? 100);
const CONCURRENCY = 4;

interface Cost {
  N: number;
  r: number;
  p: number;
}

function hashOnce(c: Cost): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    scrypt(PASSWORD, randomBytes(16), 64, { ...c, maxmem: 256 * c.N * c.r + 1024 * 1024 }, (err) => (err ? reject(err) : resolve(performance.now() - started))),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function hashCosts() {
  const sets: Cost[] = [
    { N: 2 ** 17, r: 8, p: 1 },
    { N: 2 ** 16, r: 8, p: 2 },
    { N: 2 ** 15, r: 8, p: 3 },
    { N: 2 ** 14, r: 8, p: 5 },
    { N: 2 ** 13, r: 8, p: 10 },
  ];
  const out = [];
  for (const c of sets) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await hashOnce(c));
    const row = { ...c, memoryMiB: (128 * c.N * c.r) / 2 ** 20, medianMs: Math.round(median(times)), current: c.N === DEFAULT_SCRYPT.N && c.p === DEFAULT_SCRYPT.p && c.r === DEFAULT_SCRYPT.r };
    console.log(`scrypt N=2^${Math.log2(c.N)} r=${c.r} p=${c.p}: ${row.memoryMiB} MiB, median ${row.medianMs} ms${row.current ? '  <- current default' : ''}`);
    out.push(row);
  }
  return out;
}

async function signIns() {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-password-'));
  const env = { PIPEWRIGHT_DATA_DIR: dir, PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_INIT_PASSWORD: PASSWORD, PIPEWRIGHT_WORKERS: '0', PORT: '0', PIPEWRIGHT_LOGIN_RATE_LIMIT: '100000' };
  const init = spawnSync(process.execPath, ['--import', 'tsx', 'runtime/src/cli.ts', 'init', '--email', 'bench@example.com', '--name', 'Bench Admin'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
  const server = await startServerProcess(env);
  try {
    const pid = server.child.pid as number;
    const login = async () => {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.com', password: PASSWORD }) });
      if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - started;
    };
    await login(); // warm up: rehash, first queries
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMiB(pid));
    }, 20);
    const times: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SIGN_INS) {
          next++;
          times.push(await login());
        }
      }),
    );
    clearInterval(sampler);
    const after = rssMiB(pid);
    const result = { signIns: times.length, concurrency: CONCURRENCY, rssBeforeMiB: Math.round(before), rssPeakMiB: Math.round(peak), rssAfterMiB: Math.round(after), medianSignInMs: Math.round(median(times)), maxSignInMs: Math.round(Math.max(...times)) };
    console.log(`server: ${result.signIns} sign-ins, ${CONCURRENCY} at a time: RSS ${result.rssBeforeMiB} -> ${result.rssAfterMiB} MiB (peak ${result.rssPeakMiB}), median ${result.medianSignInMs} ms, max ${result.maxSignInMs} ms`);
    return result;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const hashes = await hashCosts();
const server = await signIns();
console.log(JSON.stringify({ default: DEFAULT_SCRYPT, hashes, server }));

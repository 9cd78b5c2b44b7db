import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type RunningServer } from '../bench/server-process';

/**
 * The pieces of a scale-out deployment on one machine, for the cluster test and benchmark:
 * a throwaway PostgreSQL 15, runtime processes (`runtime/src/main.ts`) and nginx in front of
 * them, each started with its own generated configuration in a temporary folder, on loopback
 * ports only. Everything started here is stopped by `close()`.
 */

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const PG_BIN = process.env.PIPEWRIGHT_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool as the `postgres` OS user when we are root (initdb refuses root). */
function pgTool(tool: string, args: string[]): string {
  const bin = join(PG_BIN, tool);
  return isRoot ? execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) : execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A throwaway PostgreSQL server: its own data folder, socket folder and loopback port. */
export interface ThrowawayPostgres {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the server (fast shutdown: open sessions are ended). */
  stop(): void;
  /** Starts it again on the same port and data, waiting until it accepts connections. */
  start(): void;
  /** Stops it and deletes its folder. */
  destroy(): void;
}

/**
 * Creates and starts a PostgreSQL 15 instance in a new temporary folder (initdb, trust
 * authentication, listening on 127.0.0.1 only). `settings` are extra `-c` options.
 *
 * @example
 * ```ts
 * const pg = await startThrowawayPostgres({ max_connections: '200' });
 * ```
 */
export async function startThrowawayPostgres(settings: Record<string, string> = {}): Promise<ThrowawayPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL server binaries not found in ${PG_BIN} (Debian: apt-get install postgresql-15; or set PIPEWRIGHT_PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'pw-pg-'));
  if (isRoot) chownPostgres(dir);
  const data = join(dir, 'data');
  const port = await freePort();
  pgTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const options = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])].join(' ');
  const start = () => {
    pgTool('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  };
  const stop = () => {
    pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  start();
  let running = true;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      stop();
      running = false;
    },
    start: () => {
      start();
      running = true;
    },
    destroy: () => {
      try {
        if (running) stop();
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function chownPostgres(path: string): void {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(path, uid, gid);
}

/** nginx in front of the runtimes. */
export interface Nginx {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx (Debian's package) with a generated configuration: one loopback listener that
 * balances round-robin over `upstreams`. nginx retries a request on the next runtime when one
 * refuses the connection, fails or answers 502/503, but only for idempotent methods (its
 * default since 1.9.13): a POST that reached a runtime is never sent twice; clients retry
 * those with the same `Idempotency-Key`. No keep-alive to the runtimes, so a runtime that stops
 * gracefully has no idle connection for nginx to reuse while it closes.
 *
 * @example
 * ```ts
 * const lb = await startNginx(['127.0.0.1:4001', '127.0.0.1:4002']);
 * ```
 */
export async function startNginx(upstreams: string[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-nginx-'));
  chmodSync(dir, 0o755);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `${isRoot ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 60m;
  upstream runtimes {
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://runtimes;
      proxy_http_version 1.1;
      proxy_set_header Connection "close";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_next_upstream_timeout 10s;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  // Bounded wait until it accepts connections.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}`);
    if (await canConnect(port)) break;
    if (i >= 100) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen within 10 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** One runtime process on a fixed loopback port, which can be killed and started again. */
export interface RuntimeProcess {
  name: string;
  port: number;
  url: string;
  /** Output of every run of this process so far. */
  output(): string;
  /** Starts it (again); resolves when it listens. */
  start(): Promise<void>;
  /** SIGTERM: drain and stop gracefully. */
  stop(): Promise<void>;
  /** SIGKILL, at once. */
  kill(): Promise<void>;
  running(): boolean;
}

/**
 * A runtime (`runtime/src/main.ts`) on its own port with `env` (DATABASE_URL, PIPEWRIGHT_WORKERS...).
 *
 * @example
 * ```ts
 * const r = runtimeProcess('r1', port, { DATABASE_URL: url, PIPEWRIGHT_WORKERS: '0' });
 * await r.start();
 * ```
 */
export function runtimeProcess(name: string, port: number, env: Record<string, string>): RuntimeProcess {
  let current: RunningServer | undefined;
  let log = '';
  const exited = (s: RunningServer) => s.child.exitCode !== null || s.child.signalCode !== null;
  const finish = async (signal: NodeJS.Signals) => {
    const s = current;
    if (!s || exited(s)) return;
    await new Promise<void>((done) => {
      s.child.once('exit', () => done());
      s.child.kill(signal);
    });
    log += s.output();
    current = undefined;
  };
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => log + (current?.output() ?? ''),
    async start() {
      current = await startServerProcess({ PORT: String(port), HOST: '127.0.0.1', PIPEWRIGHT_DEMO: 'false', ...env });
    },
    stop: () => finish('SIGTERM'),
    kill: () => finish('SIGKILL'),
    running: () => current !== undefined && !exited(current),
  };
}

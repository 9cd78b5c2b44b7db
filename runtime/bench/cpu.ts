import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (Linux: 100). */
const HZ = 100;

/** CPU time (user + system) a process has used so far, in ms; 0 when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / HZ;
  } catch {
    return 0;
  }
}

/** The machine's CPU time so far: busy and total, in ms summed over all cores. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: ((total - idle) * 1000) / HZ, total: (total * 1000) / HZ };
}

/** CPU used by groups of processes between `start()` and `stop()`. */
export interface CpuSample {
  /** ms of CPU per group, and for the whole machine. */
  groups: Record<string, number>;
  machineBusyMs: number;
  machineTotalMs: number;
}

/**
 * Measures the CPU time used by named groups of processes (the pids of each group are asked
 * again when the measurement ends, so processes that appear meanwhile count from 0) and by
 * the machine, over one measurement.
 *
 * @example
 * ```ts
 * const sample = cpuSampler({ runtimes: () => pids, postgres: backendPids });
 * const result = await sample(() => measure(...));
 * ```
 */
export function cpuSampler(groups: Record<string, () => Promise<number[]> | number[]>): <T>(work: () => Promise<T>) => Promise<{ result: T; cpu: CpuSample }> {
  return async (work) => {
    const before = new Map<number, number>();
    for (const pids of await Promise.all(Object.values(groups).map((g) => g()))) for (const pid of pids) before.set(pid, processCpuMs(pid));
    const m0 = machineCpuMs();
    const result = await work();
    const m1 = machineCpuMs();
    const out: Record<string, number> = {};
    for (const [name, g] of Object.entries(groups)) {
      let ms = 0;
      for (const pid of await g()) ms += processCpuMs(pid) - (before.get(pid) ?? 0);
      out[name] = ms;
    }
    return { result, cpu: { groups: out, machineBusyMs: m1.busy - m0.busy, machineTotalMs: m1.total - m0.total } };
  };
}

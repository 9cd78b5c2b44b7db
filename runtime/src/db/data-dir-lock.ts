import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'pipewright.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims an embedded data folder for this process. PGlite is a single-process database: a second
 * process opening the same folder corrupts it, so a live owner makes this throw a clear error; a
 * lock left by a process that died is taken over. Returns the release function.
 *
 * @example
 * ```ts
 * const release = lockDataDir('.pipewright-data');
 * // ... on close:
 * release();
 * ```
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(`The data folder ${dir} is in use by process ${owner} (another Pipewright server or CLI). Stop it first, or use the HTTP API; PGlite cannot be shared between processes.`);
      }
      unlinkSync(file);
    }
  }
  throw new Error(`Cannot lock the data folder ${dir}.`);
}

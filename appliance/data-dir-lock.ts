// The embedded database belongs to one process. This lock file in PACS_DATA_DIR stops a second
// appliance from opening the same folder, and tells the CLI where the running one listens so it
// can go through HTTP instead of touching the database files.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../engine/index.ts';

export type LockInfo = { pid: number; url?: string };
export type LockError = { code: 'DATA_DIR_LOCKED'; message: string; holder: LockInfo };

const LOCK_FILE = 'appliance.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export type DataDirLock = { update(info: Partial<LockInfo>): void; release(): void };

export function lockDataDir(dataDir: string): Result<DataDirLock, LockError> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      let info: LockInfo = { pid: process.pid };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return {
        ok: true,
        value: {
          update(more) {
            info = { ...info, ...more };
            writeFileSync(path, JSON.stringify(info));
          },
          release() {
            rmSync(path, { force: true });
          },
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(dataDir);
      if (holder) {
        return { ok: false, error: { code: 'DATA_DIR_LOCKED', message: `${dataDir} is in use by process ${holder.pid}`, holder } };
      }
      // Left behind by a process that died: take it over.
      rmSync(path, { force: true });
    }
  }
  throw new Error(`cannot lock ${dataDir}`);
}

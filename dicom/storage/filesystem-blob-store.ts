// The filesystem tier (the hot tier lives in PACS_DATA_DIR/storage). A staged object is a file in
// <root>/.tmp; commit fsyncs it, links it under its key (link(2) refuses to replace, which keeps a
// first copy safe from a concurrent second one), removes the temporary name and fsyncs the folder,
// so the object survives a power cut from the moment commit resolves.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { FileSource } from '../parse/byte-source.ts';
import type { ByteSource } from '../parse/byte-source.ts';
import type { BlobStore, CommitResult, StagedBlob } from './blob-store.ts';

const TMP = '.tmp';
const STALE_TMP_MS = 24 * 3600_000;
const KNOWN_DIRS_MAX = 20_000;

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

class StagedFile implements StagedBlob {
  readonly path: string;
  size = 0;
  private fh: FileHandle | undefined;
  committed = false;
  private discarded = false;

  constructor(path: string, fh: FileHandle) {
    this.path = path;
    this.fh = fh;
  }

  async write(chunks: readonly Buffer[]): Promise<void> {
    if (!this.fh) throw new Error('staged file is closed');
    let offset = 0;
    let pending = chunks.filter((c) => c.length > 0);
    while (pending.length) {
      const { bytesWritten } = await this.fh.writev(pending, this.size + offset);
      offset += bytesWritten;
      // A short write: continue with what is left.
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const c of pending) {
        if (skip >= c.length) skip -= c.length;
        else {
          rest.push(skip ? c.subarray(skip) : c);
          skip = 0;
        }
      }
      pending = rest;
    }
    this.size += offset;
  }

  async sync(): Promise<void> {
    if (!this.fh) throw new Error('staged file is closed');
    await this.fh.datasync();
  }

  bytes(offset: number): ByteSource {
    if (!this.fh) throw new Error('staged file is closed');
    return new FileSource(this.fh.fd, offset, this.size - offset);
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  async discard(): Promise<void> {
    if (this.committed || this.discarded) return;
    this.discarded = true;
    await this.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}

export class FilesystemBlobStore implements BlobStore {
  readonly name: string;
  readonly root: string;
  private readonly tmp: string;
  private readonly knownDirs = new Set<string>();
  private readonly dirSyncs = new Map<string, { running: Promise<void> | null; queued: Promise<void> | null }>();

  constructor(opts: { name: string; root: string }) {
    this.name = opts.name;
    this.root = opts.root;
    this.tmp = join(opts.root, TMP);
  }

  /** Creates the folders and removes temporary files a crash left behind (older than a day, so another process's are safe). */
  async open(): Promise<void> {
    await mkdir(this.tmp, { recursive: true });
    const now = Date.now();
    for (const name of await readdir(this.tmp)) {
      const p = join(this.tmp, name);
      const s = await stat(p).catch(() => undefined);
      if (s && now - s.mtimeMs > STALE_TMP_MS) await rm(p, { force: true });
    }
  }

  pathOf(key: string): string {
    const parts = key.split('/');
    if (!key || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0')) || parts[0] === TMP) {
      throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    }
    return join(this.root, ...parts);
  }

  async stage(): Promise<StagedBlob> {
    const path = join(this.tmp, `${randomUUID()}.part`);
    let fh: FileHandle;
    try {
      fh = await open(path, 'wx+');
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
      await mkdir(this.tmp, { recursive: true });
      fh = await open(path, 'wx+');
    }
    return new StagedFile(path, fh);
  }

  async commit(staged: StagedBlob, key: string, opts: { replace?: boolean } = {}): Promise<CommitResult> {
    const { result, durable } = await this.place(staged, key, opts);
    await durable;
    return result;
  }

  async place(staged: StagedBlob, key: string, opts: { replace?: boolean } = {}): Promise<{ result: CommitResult; durable: Promise<void> }> {
    if (!(staged instanceof StagedFile)) throw new Error('not staged by this store');
    const target = this.pathOf(key);
    const dir = dirname(target);
    await staged.close();
    for (let attempt = 0; ; attempt++) {
      await this.ensureDir(dir);
      try {
        if (opts.replace) await rename(staged.path, target);
        else await link(staged.path, target);
        break;
      } catch (err) {
        if (errno(err) === 'EEXIST') return { result: 'exists', durable: Promise.resolve() };
        // The folder was removed behind our back (a purge): forget it and create it again, once.
        if (errno(err) === 'ENOENT' && attempt === 0) {
          this.knownDirs.delete(dir);
          continue;
        }
        throw err;
      }
    }
    staged.committed = true;
    if (!opts.replace) await unlink(staged.path);
    const durable = this.syncDir(dir);
    durable.catch(() => undefined);
    return { result: 'stored', durable };
  }

  async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    const staged = await this.stage();
    try {
      await staged.write(Buffer.isBuffer(data) ? [data] : data);
      await staged.sync();
      await this.commit(staged, key, { replace: true });
    } finally {
      await staged.discard();
    }
  }

  async get(key: string): Promise<Readable | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(this.pathOf(key), 'r');
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw err;
    }
    return fh.createReadStream();
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (err) {
      if (errno(err) === 'ENOENT') return false;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /**
   * fsync of a folder, shared by concurrent stores into it (group commit): a caller whose move
   * happened while an fsync was already running waits for the next one, which all such callers share.
   */
  private syncDir(dir: string): Promise<void> {
    let state = this.dirSyncs.get(dir);
    if (!state) {
      state = { running: null, queued: null };
      this.dirSyncs.set(dir, state);
    }
    const s = state;
    const start = () => {
      const p = fsyncDir(dir).finally(() => {
        s.running = null;
        if (!s.queued) this.dirSyncs.delete(dir);
      });
      s.running = p;
      return p;
    };
    if (!s.running) return start();
    s.queued ??= s.running
      .catch(() => undefined)
      .then(() => {
        s.queued = null;
        return start();
      });
    return s.queued;
  }

  /** mkdir -p, fsyncing the parent of every folder it creates, so the new path is durable too. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const first = await mkdir(dir, { recursive: true });
    if (first) {
      const created = relative(dirname(first), dir).split(sep);
      let parent = dirname(first);
      for (const part of created) {
        await fsyncDir(parent);
        parent = join(parent, part);
      }
    }
    if (this.knownDirs.size >= KNOWN_DIRS_MAX) this.knownDirs.clear();
    this.knownDirs.add(dir);
  }
}

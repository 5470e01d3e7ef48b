// The peers registry as the DIMSE services read it: a snapshot of the (small) table kept in
// memory, so that a C-STORE can be checked without a database round trip per instance. It is
// reloaded when older than `ttlMs` (so changes made by another appliance process on the same
// PostgreSQL show within that time) and at once after a change made through this process.
import { listAllPeers } from './peer-store.ts';
import type { Peer, PeerDb } from './peer-store.ts';

export class PeerDirectory {
  private readonly db: PeerDb;
  private readonly ttlMs: number;
  private byAet = new Map<string, Peer>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(db: PeerDb, opts: { ttlMs?: number } = {}) {
    this.db = db;
    this.ttlMs = opts.ttlMs ?? 5_000;
  }

  /** Reads the table now (at start, and whenever the snapshot is stale). */
  load(): Promise<void> {
    this.loading ??= listAllPeers(this.db)
      .then((peers) => {
        this.byAet = new Map(peers.map((p) => [p.aet, p]));
        this.loadedAt = Date.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Reads the table again now (call after a change; resolves once the snapshot is current). */
  async invalidate(): Promise<void> {
    this.loadedAt = 0;
    // A load already running may have read the table before the change: wait for it, then read again.
    if (this.loading) await this.loading.catch(() => undefined);
    await this.load();
  }

  private get stale(): boolean {
    return Date.now() - this.loadedAt > this.ttlMs;
  }

  /** The peer with this AE title (padding ignored), from a snapshot at most `ttlMs` old. */
  async find(aet: string): Promise<Peer | undefined> {
    if (this.stale) await this.load();
    return this.byAet.get(aet.trim());
  }

  /**
   * Without waiting: the snapshot as it is (starting a reload in the background when stale).
   * For decisions that must be taken synchronously, such as when a C-STORE begins.
   */
  peek(aet: string): Peer | undefined {
    if (this.stale) void this.load().catch(() => undefined);
    return this.byAet.get(aet.trim());
  }
}

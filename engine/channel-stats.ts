// Per-channel and per-destination counters. Kept in memory and added to channel_stats about once
// a second, so counting never contends with message commits; the message store stays the truth.
import type { SqlClient } from './sql-client.ts';

export type Counts = { received: number; filtered: number; sent: number; errored: number };
type Key = `${string}\u0000${string}`;

const zero = (): Counts => ({ received: 0, filtered: 0, sent: 0, errored: 0 });

function bump(map: Map<Key, Counts>, key: Key, field: keyof Counts, n: number): void {
  const c = map.get(key) ?? zero();
  c[field] += n;
  map.set(key, c);
}

export class ChannelStats {
  private pending = new Map<Key, Counts>();
  /** Totals counted by this process since start, for rates and /metrics. */
  private readonly local = new Map<Key, Counts>();

  add(channelId: string, destinationId: string, field: keyof Counts, n = 1): void {
    const key: Key = `${channelId}\u0000${destinationId}`;
    bump(this.pending, key, field, n);
    bump(this.local, key, field, n);
  }

  localCounts(): { channelId: string; destinationId: string; counts: Counts }[] {
    return [...this.local].map(([k, counts]) => {
      const [channelId, destinationId] = k.split('\u0000') as [string, string];
      return { channelId, destinationId, counts: { ...counts } };
    });
  }

  async flush(db: SqlClient): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    for (const [k, c] of batch) {
      const [channelId, destinationId] = k.split('\u0000') as [string, string];
      try {
        await db.query(
          `insert into channel_stats (channel_id, destination_id, received, filtered, sent, errored) values ($1, $2, $3, $4, $5, $6)
           on conflict (channel_id, destination_id) do update set received = channel_stats.received + excluded.received,
             filtered = channel_stats.filtered + excluded.filtered, sent = channel_stats.sent + excluded.sent,
             errored = channel_stats.errored + excluded.errored`,
          [channelId, destinationId, c.received, c.filtered, c.sent, c.errored],
        );
      } catch {
        // Keep the counts for the next flush.
        for (const f of Object.keys(c) as (keyof Counts)[]) if (c[f]) bump(this.pending, k, f, c[f]);
      }
    }
  }
}

export async function readStats(db: SqlClient): Promise<Map<string, Counts>> {
  const { rows } = await db.query<{ channel_id: string; destination_id: string } & Counts>(
    'select channel_id, destination_id, received, filtered, sent, errored from channel_stats',
  );
  return new Map(rows.map((r) => [`${r.channel_id}/${r.destination_id}`, { received: r.received, filtered: r.filtered, sent: r.sent, errored: r.errored }]));
}

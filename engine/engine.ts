// The engine: deploys channels from their definitions (kept in the database, so every appliance
// process on it runs the same ones), runs them, and answers the operations of /api/channels and
// /api/messages. Background duties: expired leases back to the queue, counters, pruning, alerts.
import { randomBytes } from 'node:crypto';
import { parseChannelDefinition, resolveVariables } from './channel-definition.ts';
import type { ChannelDefinition } from './channel-definition.ts';
import { ChannelRuntime } from './channel-runtime.ts';
import type { ChannelState } from './channel-runtime.ts';
import { ChannelStats, readStats } from './channel-stats.ts';
import type { Counts } from './channel-stats.ts';
import { heartbeat, leaveProcesses, queueDepths, reapExpiredLeases } from './delivery-queue.ts';
import { processInbound } from './inbound-pipeline.ts';
import type { InboundInput, InboundOutcome, PipelineDeps } from './inbound-pipeline.ts';
import type { Logger } from './logger.ts';
import { getMessage, pruneMessages, requeueDeliveries } from './message-store.ts';
import type { EngineRegistry } from './registry.ts';
import type { Result } from './result.ts';
import type { SqlDatabase } from './sql-client.ts';

export type EngineError =
  | { code: 'CHANNEL_INVALID'; message: string }
  | { code: 'CHANNEL_NOT_FOUND'; message: string }
  | { code: 'CHANNEL_NOT_RUNNING'; message: string }
  | { code: 'CHANNEL_START_FAILED'; message: string }
  | { code: 'MESSAGE_NOT_FOUND'; message: string };

export type DestinationSummary = { id: string; name: string; type: string; mode: string; enabled: boolean; queued: number; errored: number; counts: Counts };

export type ChannelSummary = {
  id: string;
  name: string;
  description: string | undefined;
  /** The state this process runs the channel in. */
  state: ChannelState;
  /** The state asked for (shared by every process); differs from state when it could not start here. */
  desiredState: ChannelState;
  revision: number;
  source: { type: string; port?: number | undefined };
  counts: Counts;
  /** Messages received per minute, averaged over the last five minutes (all processes). */
  ratePerMinute: number;
  /** Deliveries waiting in this channel's queues. */
  queued: number;
  destinations: DestinationSummary[];
  definition: unknown;
};

export type EngineOptions = {
  db: SqlDatabase;
  registry: EngineRegistry;
  log: Logger;
  host: string;
  /** `${NAME}` substitutions for channel definitions (ports, peers...). */
  vars: Readonly<Record<string, string>>;
  pollMs?: number;
  processId?: string;
};

type Deployed = { runtime: ChannelRuntime; revision: number; raw: unknown };

/** Processes beat every HEARTBEAT_MS; one silent for DEAD_AFTER_MS is taken for dead. */
const HEARTBEAT_MS = 5000;
const DEAD_AFTER_MS = 20_000;

const emptyCounts = (): Counts => ({ received: 0, filtered: 0, sent: 0, errored: 0 });

export class Engine {
  private readonly o: EngineOptions;
  private readonly channels = new Map<string, Deployed>();
  private readonly stats = new ChannelStats();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly processId: string;
  private readonly pipeline: PipelineDeps;
  private controlSeq = 0;
  private syncing: Promise<void> | undefined;

  constructor(o: EngineOptions) {
    this.o = o;
    this.processId = o.processId ?? `${process.pid}-${randomBytes(3).toString('hex')}`;
    this.pipeline = {
      db: o.db,
      registry: o.registry,
      log: o.log,
      ackContext: { now: () => new Date(), newControlId: () => this.newControlId() },
    };
  }

  /** MSH-10 of our ACKs: unique per process and time, at most 20 characters (ST). */
  private newControlId(): string {
    this.controlSeq = (this.controlSeq + 1) % 1_296;
    return `${Date.now().toString(36)}${this.processId.slice(-4)}${this.controlSeq.toString(36).padStart(2, '0')}`.toUpperCase().slice(0, 20);
  }

  /** Imports the shipped channels that are not in the database yet, then runs every channel. */
  async start(shipped: readonly unknown[] = []): Promise<void> {
    for (const def of shipped) {
      const parsed = parseChannelDefinition(def);
      if (!parsed.ok) throw new Error(`shipped channel is invalid: ${parsed.error.message}`);
      await this.o.db.query('insert into channels (id, definition) values ($1, $2) on conflict (id) do nothing', [parsed.value.id, JSON.stringify(def)]);
    }
    await heartbeat(this.o.db, this.processId);
    // Embedded database: this is the only process, so every lease left behind is a dead one's.
    await this.reap(this.o.db.kind === 'pglite' ? this.processId : undefined);
    await this.sync();
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => {
        fn().catch((err: unknown) => this.o.log.error({ err }, 'engine background task failed'));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(1000, () => this.stats.flush(this.o.db));
    every(HEARTBEAT_MS, async () => {
      await heartbeat(this.o.db, this.processId);
      await this.reap();
      await this.sync();
    });
    every(10_000, () => this.checkAlerts());
    every(3_600_000, () => this.prune());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await this.syncing;
    await Promise.all([...this.channels.values()].map((d) => d.runtime.setState('stopped')));
    this.channels.clear();
    await this.stats.flush(this.o.db);
    await leaveProcesses(this.o.db, this.processId);
  }

  private async reap(allButMe?: string): Promise<void> {
    const n = await reapExpiredLeases(this.o.db, { deadAfterMs: DEAD_AFTER_MS, ...(allButMe ? { allButMe } : {}) });
    if (n) this.o.log.warn({ requeued: n }, 'deliveries of a stopped or crashed process put back in the queue');
  }

  /** Brings this process in line with the channels table (other processes may have changed it). */
  private sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const { rows } = await this.o.db.query<{ id: string; definition: unknown; state: ChannelState; revision: number }>(
      'select id, definition, state, revision from channels order by id',
    );
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const current = this.channels.get(row.id);
      try {
        if (!current || current.revision !== row.revision) {
          await current?.runtime.setState('stopped');
          const runtime = this.build(row.definition);
          this.channels.set(row.id, { runtime, revision: row.revision, raw: row.definition });
          await runtime.setState(row.state);
        } else if (current.runtime.state !== row.state) {
          await current.runtime.setState(row.state);
        }
      } catch (err) {
        this.o.log.error({ err: (err as Error).message, channel: row.id }, 'cannot run channel');
      }
    }
    for (const [id, d] of this.channels) {
      if (!seen.has(id)) {
        await d.runtime.setState('stopped');
        this.channels.delete(id);
      }
    }
  }

  private build(raw: unknown): ChannelRuntime {
    const parsed = parseChannelDefinition(raw);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const resolved = resolveVariables(parsed.value, this.o.vars);
    if (!resolved.ok) throw new Error(resolved.error.message);
    return new ChannelRuntime(resolved.value, {
      db: this.o.db,
      registry: this.o.registry,
      log: this.o.log,
      host: this.o.host,
      processId: this.processId,
      pollMs: this.o.pollMs ?? 500,
      events: {
        sent: (dest) => this.stats.add(resolved.value.id, dest, 'sent'),
        errored: (dest) => this.stats.add(resolved.value.id, dest, 'errored'),
      },
      receive: (def, input) => this.receive(def, input),
    });
  }

  private async receive(def: ChannelDefinition, input: InboundInput): Promise<InboundOutcome> {
    const out = await processInbound(this.pipeline, def, input);
    this.stats.add(def.id, '', 'received');
    if (out.counts.filtered) this.stats.add(def.id, '', 'filtered');
    if (out.status === 'error' && out.counts.errored.length === 0) this.stats.add(def.id, '', 'errored');
    for (const d of out.counts.sent) this.stats.add(def.id, d, 'sent');
    for (const d of out.counts.errored) this.stats.add(def.id, d, 'errored');
    for (const d of out.counts.filteredDestinations) this.stats.add(def.id, d, 'filtered');
    if (out.queued.length) this.channels.get(def.id)?.runtime.wake(out.queued);
    return out;
  }

  /** Validates and stores a channel, then (re)starts it here; other processes follow within seconds. */
  async deploy(raw: unknown, state?: ChannelState): Promise<Result<ChannelSummary, EngineError>> {
    const parsed = parseChannelDefinition(raw);
    if (!parsed.ok) return parsed;
    const resolved = resolveVariables(parsed.value, this.o.vars);
    if (!resolved.ok) return resolved;
    const id = parsed.value.id;
    await this.o.db.query(
      `insert into channels (id, definition, state) values ($1, $2, coalesce($3, 'started'))
       on conflict (id) do update set definition = excluded.definition, state = coalesce($3, channels.state),
         revision = channels.revision + 1, updated_at = now()`,
      [id, JSON.stringify(raw), state ?? null],
    );
    await this.sync();
    const deployed = this.channels.get(id);
    if (!deployed) return { ok: false, error: { code: 'CHANNEL_START_FAILED', message: `channel ${id} was stored but could not start here: see the log` } };
    const wanted = (await this.o.db.query<{ state: ChannelState }>('select state from channels where id = $1', [id])).rows[0]?.state;
    if (deployed.runtime.state !== wanted) {
      return { ok: false, error: { code: 'CHANNEL_START_FAILED', message: `channel ${id} was stored but did not reach state ${wanted} (is its port free?)` } };
    }
    return { ok: true, value: (await this.summary(id))! };
  }

  async undeploy(id: string): Promise<Result<{ id: string }, EngineError>> {
    const { rowCount } = await this.o.db.query('delete from channels where id = $1', [id]);
    if (rowCount === 0) return { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `no channel ${id}` } };
    await this.sync();
    return { ok: true, value: { id } };
  }

  async setState(id: string, state: ChannelState): Promise<Result<ChannelSummary, EngineError>> {
    const { rowCount } = await this.o.db.query('update channels set state = $2, updated_at = now() where id = $1', [id, state]);
    if (rowCount === 0) return { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `no channel ${id}` } };
    await this.sync();
    const s = await this.summary(id);
    if (!s || s.state !== state) return { ok: false, error: { code: 'CHANNEL_START_FAILED', message: `channel ${id} could not be ${state} here: see the log` } };
    return { ok: true, value: s };
  }

  /** The in-process and HTTP sources: a message for a channel, answered after it is stored. */
  async dispatch(channelId: string, input: InboundInput): Promise<Result<InboundOutcome, EngineError>> {
    const d = this.channels.get(channelId);
    if (!d) return { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `no channel ${channelId}` } };
    if (d.runtime.state !== 'started') return { ok: false, error: { code: 'CHANNEL_NOT_RUNNING', message: `channel ${channelId} is ${d.runtime.state}` } };
    return { ok: true, value: await this.receive(d.runtime.def, input) };
  }

  /** Runs a stored message through its channel again, as a new message. */
  async reprocess(messageId: number): Promise<Result<InboundOutcome, EngineError>> {
    const msg = await getMessage(this.o.db, messageId);
    if (!msg) return { ok: false, error: { code: 'MESSAGE_NOT_FOUND', message: `no message ${messageId}` } };
    const d = this.channels.get(msg.channelId);
    if (!d) return { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `channel ${msg.channelId} of message ${messageId} is not deployed` } };
    return { ok: true, value: await this.receive(d.runtime.def, { text: msg.raw, source: { connector: 'reprocess', messageId }, reprocessedFrom: messageId }) };
  }

  /** Puts a message's deliveries (one destination, or all failed/sent ones) back in their queues. */
  async resend(messageId: number, destinationId?: string): Promise<Result<{ requeued: number }, EngineError>> {
    const msg = await getMessage(this.o.db, messageId);
    if (!msg) return { ok: false, error: { code: 'MESSAGE_NOT_FOUND', message: `no message ${messageId}` } };
    const requeued = await requeueDeliveries(this.o.db, messageId, destinationId);
    const wake = destinationId ? [destinationId] : msg.deliveries.map((x) => x.destinationId);
    this.channels.get(msg.channelId)?.runtime.wake(wake);
    return { ok: true, value: { requeued } };
  }

  async list(): Promise<ChannelSummary[]> {
    const [stats, depths, recent] = await Promise.all([
      readStats(this.o.db),
      queueDepths(this.o.db),
      this.o.db.query<{ channel_id: string; n: number }>(
        `select channel_id, count(*)::int as n from messages where received_at > now() - interval '5 minutes' group by channel_id`,
      ),
    ]);
    const rates = new Map(recent.rows.map((r) => [r.channel_id, Math.round((r.n / 5) * 10) / 10]));
    const { rows } = await this.o.db.query<{ id: string; definition: unknown; state: ChannelState; revision: number }>(
      'select id, definition, state, revision from channels order by id',
    );
    const out: ChannelSummary[] = [];
    for (const row of rows) {
      const parsed = parseChannelDefinition(row.definition);
      const def = parsed.ok ? parsed.value : undefined;
      const runtime = this.channels.get(row.id)?.runtime;
      const destinations: DestinationSummary[] = (def?.destinations ?? []).map((d) => {
        const depth = depths.get(`${row.id}/${d.id}`);
        return {
          id: d.id,
          name: d.name ?? d.id,
          type: d.connector.type,
          mode: d.mode,
          enabled: d.enabled,
          queued: depth?.queued ?? 0,
          errored: depth?.errored ?? 0,
          counts: stats.get(`${row.id}/${d.id}`) ?? emptyCounts(),
        };
      });
      out.push({
        id: row.id,
        name: def?.name ?? row.id,
        description: def?.description,
        state: runtime?.state ?? 'stopped',
        desiredState: row.state,
        revision: row.revision,
        source: { type: def?.source.type ?? 'unknown', port: runtime?.port },
        counts: stats.get(`${row.id}/`) ?? emptyCounts(),
        ratePerMinute: rates.get(row.id) ?? 0,
        queued: destinations.reduce((n, d) => n + d.queued, 0),
        destinations,
        definition: row.definition,
      });
    }
    return out;
  }

  async summary(id: string): Promise<ChannelSummary | undefined> {
    return (await this.list()).find((c) => c.id === id);
  }

  /** Counts this process made since it started, for /metrics. */
  localCounts() {
    return this.stats.localCounts();
  }

  /** Applies every channel's pruning policy now (it also runs hourly). */
  async prune(): Promise<void> {
    for (const { runtime } of this.channels.values()) {
      const { maxAgeDays, keepErrors } = runtime.def.prune;
      const n = await pruneMessages(this.o.db, runtime.def.id, maxAgeDays, keepErrors);
      if (n) this.o.log.info({ channel: runtime.def.id, deleted: n }, 'pruned old messages');
    }
  }

  private async checkAlerts(): Promise<void> {
    const depths = await queueDepths(this.o.db);
    for (const { runtime } of this.channels.values()) {
      const { alerts, id } = runtime.def;
      if (alerts.queueDepth) {
        for (const d of runtime.def.destinations) {
          const depth = depths.get(`${id}/${d.id}`)?.queued ?? 0;
          if (depth > alerts.queueDepth.threshold) {
            await this.raise(id, d.id, 'queue_depth', `queue of ${id}/${d.id} holds ${depth} messages`, depth, alerts.queueDepth.threshold, 15);
          }
        }
      }
      if (alerts.errorCount) {
        const { windowMinutes, threshold } = alerts.errorCount;
        const { rows } = await this.o.db.query<{ n: number }>(
          `select count(*)::int as n from deliveries where channel_id = $1 and status = 'error' and updated_at > now() - make_interval(mins => $2)`,
          [id, windowMinutes],
        );
        const n = rows[0]?.n ?? 0;
        if (n >= threshold) await this.raise(id, null, 'error_count', `${n} failed deliveries in ${id} within ${windowMinutes} min`, n, threshold, windowMinutes);
      }
    }
  }

  /** Records an alert unless the same one is already open from the last `quietMinutes`. */
  private async raise(channelId: string, destinationId: string | null, kind: string, message: string, value: number, threshold: number, quietMinutes: number): Promise<void> {
    const { rowCount } = await this.o.db.query(
      `insert into alerts (channel_id, destination_id, kind, message, value, threshold)
       select $1, $2, $3, $4, $5, $6
       where not exists (select 1 from alerts where channel_id = $1 and destination_id is not distinct from $2 and kind = $3
                         and acknowledged_at is null and at > now() - make_interval(mins => $7))`,
      [channelId, destinationId, kind, message, value, threshold, quietMinutes],
    );
    if (rowCount > 0) this.o.log.warn({ channel: channelId, destination: destinationId, kind, value, threshold }, 'channel alert');
  }
}

// One deployed channel in this process: its source listener (if it has one) and one worker per
// queued destination. States: started (source and workers run), paused (source closed, queues
// keep draining), stopped (nothing runs; messages stay queued).
import type { ChannelDefinition, DestinationDefinition } from './channel-definition.ts';
import type { DestinationConnector } from './connectors/destination-connector.ts';
import { fhirDestination } from './connectors/fhir-destination.ts';
import { httpDestination } from './connectors/http-destination.ts';
import { mllpDestination } from './connectors/mllp-destination.ts';
import { DestinationWorker } from './destination-worker.ts';
import type { WorkerEvents } from './destination-worker.ts';
import type { InboundInput, InboundOutcome } from './inbound-pipeline.ts';
import type { Logger } from './logger.ts';
import { startMllpListener } from './mllp/index.ts';
import type { MllpListener } from './mllp/index.ts';
import type { EngineRegistry } from './registry.ts';
import type { SqlClient } from './sql-client.ts';

export type ChannelState = 'started' | 'paused' | 'stopped';

export type RuntimeDeps = {
  db: SqlClient;
  registry: EngineRegistry;
  log: Logger;
  host: string;
  processId: string;
  pollMs: number;
  events: WorkerEvents;
  receive(def: ChannelDefinition, input: InboundInput): Promise<InboundOutcome>;
};

function connectorFor(deps: RuntimeDeps, def: ChannelDefinition, dest: DestinationDefinition): DestinationConnector {
  const c = dest.connector;
  const log = deps.log.child({ channel: def.id, destination: dest.id });
  switch (c.type) {
    case 'mllp':
      return mllpDestination({ host: c.host, port: Number(c.port), tls: c.tls, responseTimeoutMs: c.responseTimeoutMs, log });
    case 'http':
      return httpDestination({ url: c.url, method: c.method, headers: c.headers, contentType: c.contentType ?? (def.dataType === 'hl7v2' ? 'x-application/hl7-v2+er7' : def.dataType === 'json' ? 'application/json' : 'text/plain'), timeoutMs: c.timeoutMs });
    case 'fhir':
      return fhirDestination({ baseUrl: c.baseUrl, operation: c.operation, headers: c.headers, timeoutMs: c.timeoutMs });
    case 'handler': {
      const fn = deps.registry.handler(c.name);
      if (!fn) throw new Error(`handler "${c.name}" is not registered`);
      return {
        async send(delivery) {
          const r = await fn(delivery, { db: deps.db, log });
          return r.ok ? r : { ok: false, error: { message: `${r.error.code}: ${r.error.message}`, permanent: r.error.permanent ?? false } };
        },
        close: async () => {},
      };
    }
  }
}

export class ChannelRuntime {
  readonly def: ChannelDefinition;
  private readonly deps: RuntimeDeps;
  private listener: MllpListener | undefined;
  private readonly workers = new Map<string, DestinationWorker>();
  state: ChannelState = 'stopped';

  constructor(def: ChannelDefinition, deps: RuntimeDeps) {
    this.def = def;
    this.deps = deps;
  }

  /** The port the MLLP source listens on, when it runs. */
  get port(): number | undefined {
    return this.listener?.port;
  }

  wake(destinationIds: readonly string[]): void {
    for (const id of destinationIds) this.workers.get(id)?.wake();
  }

  async setState(state: ChannelState): Promise<void> {
    if (state === this.state) return;
    try {
      if (state === 'stopped') {
        await this.stopSource();
        await this.stopWorkers();
      } else {
        this.startWorkers();
        if (state === 'started') await this.startSource();
        else await this.stopSource();
      }
      this.state = state;
    } catch (err) {
      // Half-started (the port is taken, a handler is missing): leave nothing running.
      await this.stopSource().catch(() => undefined);
      await this.stopWorkers().catch(() => undefined);
      this.state = 'stopped';
      throw err;
    }
  }

  private startWorkers(): void {
    for (const dest of this.def.destinations) {
      if (!dest.enabled || dest.mode !== 'queued' || this.workers.has(dest.id)) continue;
      const worker = new DestinationWorker({
        db: this.deps.db,
        channelId: this.def.id,
        dataType: this.def.dataType,
        destination: dest,
        connector: connectorFor(this.deps, this.def, dest),
        workerId: `${this.deps.processId}/${this.def.id}/${dest.id}`,
        log: this.deps.log.child({ channel: this.def.id, destination: dest.id }),
        events: this.deps.events,
        pollMs: this.deps.pollMs,
      });
      this.workers.set(dest.id, worker);
      worker.start();
    }
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }

  private async startSource(): Promise<void> {
    const src = this.def.source;
    if (src.type !== 'mllp' || this.listener) return;
    const log = this.deps.log.child({ channel: this.def.id, source: 'mllp' });
    this.listener = await startMllpListener({
      host: src.host ?? this.deps.host,
      port: Number(src.port),
      ...(src.tls ? { tls: src.tls } : {}),
      ...(src.maxFrameBytes ? { maxFrameBytes: src.maxFrameBytes } : {}),
      log,
      handler: async (payload, meta) => {
        const out = await this.deps.receive(this.def, {
          bytes: payload,
          source: { connector: 'mllp', remoteAddress: meta.remoteAddress, remotePort: meta.remotePort, connectionId: meta.connectionId, tls: meta.tls },
        });
        return out.responseBytes;
      },
    });
  }

  private async stopSource(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    await l?.stop();
  }
}

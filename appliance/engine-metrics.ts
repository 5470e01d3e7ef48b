// Channel counters and queue depths on /metrics. Counters are this process's own since it
// started (Prometheus sums processes); queue depths are read from the shared database.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Engine } from '../engine/index.ts';

export function registerEngineMetrics(registry: Registry, engine: Engine): void {
  // Both gauges read the channel list; one read serves a whole scrape.
  let cached: { at: number; list: ReturnType<Engine['list']> } | undefined;
  const channels = () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), list: engine.list() };
    return cached.list;
  };
  const seen = new Map<string, number>();
  new Counter({
    name: 'pacs_channel_messages_total',
    help: 'Messages counted by this process, by channel, destination ("" = the source) and outcome',
    labelNames: ['channel', 'destination', 'outcome'] as const,
    registers: [registry],
    collect() {
      // prom-client counters only go up: add what was counted since the last scrape.
      for (const { channelId, destinationId, counts } of engine.localCounts()) {
        for (const [outcome, n] of Object.entries(counts)) {
          const key = `${channelId}\0${destinationId}\0${outcome}`;
          const delta = n - (seen.get(key) ?? 0);
          if (delta > 0) {
            this.inc({ channel: channelId, destination: destinationId, outcome }, delta);
            seen.set(key, n);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'pacs_channel_queue_depth',
    help: 'Deliveries waiting (queued or being sent) and parked as error, by channel and destination',
    labelNames: ['channel', 'destination', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await channels()) {
        for (const d of c.destinations) {
          this.set({ channel: c.id, destination: d.id, state: 'queued' }, d.queued);
          this.set({ channel: c.id, destination: d.id, state: 'error' }, d.errored);
        }
      }
    },
  });
  new Gauge({
    name: 'pacs_channel_up',
    help: '1 when the channel runs (started) in this process, 0.5 when paused, 0 when stopped',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await channels()) this.set({ channel: c.id }, c.state === 'started' ? 1 : c.state === 'paused' ? 0.5 : 0);
    },
  });
}

// Works one destination's queue in this process: claim a batch, send each, record the outcome,
// and sleep until woken (a new message was queued here) or the poll interval passes (another
// process queued it, or a retry is due).
import type { DestinationDefinition } from './channel-definition.ts';
import type { DestinationConnector } from './connectors/destination-connector.ts';
import { claimDeliveries, markFailed, markSent, releaseLeases } from './delivery-queue.ts';
import type { ClaimedDelivery } from './delivery-queue.ts';
import { parseHl7 } from './hl7/index.ts';
import type { Logger } from './logger.ts';
import type { SqlClient } from './sql-client.ts';

export type WorkerEvents = {
  sent(destinationId: string): void;
  errored(destinationId: string): void;
};

export type WorkerOptions = {
  db: SqlClient;
  channelId: string;
  dataType: 'hl7v2' | 'json' | 'text';
  destination: DestinationDefinition;
  connector: DestinationConnector;
  workerId: string;
  log: Logger;
  events: WorkerEvents;
  pollMs?: number;
  leaseMs?: number;
  batch?: number;
};

export class DestinationWorker {
  private readonly o: WorkerOptions;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(o: WorkerOptions) {
    this.o = o;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** A message was queued for this destination: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await releaseLeases(this.o.db, this.o.workerId).catch(() => 0);
    await this.o.connector.close().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    }).then(() => {
      this.woken = false;
    });
  }

  private async run(): Promise<void> {
    const { db, destination, log } = this.o;
    const pollMs = this.o.pollMs ?? 500;
    let backoffMs = pollMs;
    while (this.running) {
      let claimed: ClaimedDelivery[];
      try {
        claimed = await claimDeliveries(db, { channelId: this.o.channelId, destinationId: destination.id }, {
          order: destination.order,
          batch: destination.order === 'strict' ? 1 : (this.o.batch ?? 10),
          leaseMs: this.o.leaseMs ?? 300_000,
          worker: this.o.workerId,
        });
        backoffMs = pollMs;
      } catch (err) {
        // The database is unreachable for a moment: wait, longer each time, and try again.
        log.error({ err: (err as Error).message, destination: destination.id }, 'cannot read the delivery queue');
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 30_000);
        continue;
      }
      if (claimed.length === 0) {
        await this.sleep(pollMs);
        continue;
      }
      for (const d of claimed) {
        if (!this.running) break; // the rest are released by stop()
        await this.deliver(d);
      }
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const { db, destination, log, workerId } = this.o;
    let hl7;
    if (this.o.dataType === 'hl7v2') {
      const parsed = parseHl7(d.content);
      if (parsed.ok) hl7 = parsed.value;
    }
    let outcome;
    try {
      outcome = await this.o.connector.send({
        messageId: d.messageId,
        channelId: this.o.channelId,
        destinationId: destination.id,
        content: d.content,
        hl7,
        meta: {},
        attempt: d.attempts,
      });
    } catch (err) {
      log.error({ err, destination: destination.id, messageId: d.messageId }, 'destination connector failed unexpectedly');
      outcome = { ok: false as const, error: { message: `internal error: ${(err as Error).message}`, permanent: false } };
    }
    try {
      if (outcome.ok) {
        await markSent(db, d, workerId, outcome.value.response);
        this.o.events.sent(destination.id);
      } else {
        const result = await markFailed(db, d, workerId, outcome.error, destination.retry);
        // The receiver's reason may quote patient data: debug only.
        log.warn({ destination: destination.id, messageId: d.messageId, attempt: d.attempts, result }, 'delivery failed');
        log.debug({ messageId: d.messageId, reason: outcome.error.message }, 'delivery failure reason');
        if (result === 'parked') this.o.events.errored(destination.id);
      }
    } catch (err) {
      // The lease will expire and the delivery will be retried: at-least-once, never lost.
      log.error({ err: (err as Error).message, messageId: d.messageId }, 'cannot record a delivery outcome');
    }
  }
}

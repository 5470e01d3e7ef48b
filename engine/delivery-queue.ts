// The per-destination durable queue. Rows are claimed with a lease (status 'sending' until
// lease_until) using FOR UPDATE SKIP LOCKED, so several appliance processes on one PostgreSQL
// share the work without double delivery; a process that dies leaves leases that expire and are
// put back in the queue. A failing message is rescheduled with backoff and does not hold back the
// ones behind it, unless the destination asks for strict or per-patient order.
import type { RetryPolicy } from './channel-definition.ts';
import { rollUpMessageStatus } from './message-store.ts';
import type { SqlClient } from './sql-client.ts';

export type ClaimedDelivery = {
  id: number;
  messageId: number;
  attempts: number;
  content: string;
  receivedAt: Date;
  orderKey: string | null;
};

export type QueueKey = { channelId: string; destinationId: string };

const RETURNING = `d.id, d.message_id as "messageId", d.attempts, coalesce(d.content, m.transformed, m.raw) as content,
  m.received_at as "receivedAt", d.order_key as "orderKey"`;

export async function claimDeliveries(
  db: SqlClient,
  key: QueueKey,
  opts: { order: 'none' | 'strict' | 'patient'; batch: number; leaseMs: number; worker: string },
): Promise<ClaimedDelivery[]> {
  const params = [key.channelId, key.destinationId, opts.batch, opts.leaseMs, opts.worker];
  let due: string;
  if (opts.order === 'strict') {
    // Only the oldest unfinished delivery may go; if it is leased elsewhere, failed or not yet
    // due, nothing goes. The status recheck in the UPDATE makes concurrent claims safe.
    due = `select id from deliveries where channel_id = $1 and destination_id = $2 and status in ('queued', 'sending', 'error')
           order by id limit least($3, 1)`;
  } else if (opts.order === 'patient') {
    due = `select d.id from deliveries d
           where d.channel_id = $1 and d.destination_id = $2 and d.status = 'queued' and d.next_attempt_at <= now()
             and not exists (select 1 from deliveries e where e.channel_id = d.channel_id and e.destination_id = d.destination_id
                             and e.order_key = d.order_key and e.id < d.id and e.status in ('queued', 'sending', 'error'))
           order by d.id limit $3 for update skip locked`;
  } else {
    due = `select id from deliveries where channel_id = $1 and destination_id = $2 and status = 'queued' and next_attempt_at <= now()
           order by id limit $3 for update skip locked`;
  }
  const { rows } = await db.query<ClaimedDelivery>(
    `with due as (${due})
     update deliveries d set status = 'sending', attempts = d.attempts + 1, leased_by = $5,
       lease_until = now() + make_interval(secs => $4::float8 / 1000), updated_at = now()
     from due, messages m
     where d.id = due.id and m.id = d.message_id and d.status = 'queued' and d.next_attempt_at <= now()
     returning ${RETURNING}`,
    params,
    { name: `engine.claim-${opts.order}` },
  );
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Records a successful delivery and rolls the message's status up, in one statement. (The
 * roll-up cannot see the CTE's own update, so it reasons about the other deliveries only.)
 */
export async function markSent(db: SqlClient, d: ClaimedDelivery, worker: string, response: string | undefined): Promise<boolean> {
  const { rowCount } = await db.query(
    `with d as (
       update deliveries set status = 'sent', sent_at = now(), response = $3, last_error = null, lease_until = null, updated_at = now()
       where id = $1 and status = 'sending' and leased_by = $2 returning id, message_id)
     update messages m set status = case
         when exists (select 1 from deliveries o where o.message_id = m.id and o.id <> d.id and o.status = 'error') then 'error'
         when exists (select 1 from deliveries o where o.message_id = m.id and o.id <> d.id and o.status in ('queued', 'sending')) then 'queued'
         else 'sent' end
     from d where m.id = d.message_id`,
    [d.id, worker, response ?? null],
    { name: 'engine.mark-sent' },
  );
  return rowCount > 0;
}

export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  const delay = policy.initialDelayMs * policy.backoffFactor ** Math.max(0, attempts - 1);
  return Math.min(delay, policy.maxDelayMs);
}

/**
 * Records a failed attempt: back in the queue after the backoff, or parked as error when the
 * policy is exhausted or the failure is permanent (e.g. an AE from the receiver).
 */
export async function markFailed(
  db: SqlClient,
  d: ClaimedDelivery,
  worker: string,
  failure: { message: string; response?: string | undefined; permanent: boolean },
  policy: RetryPolicy,
  now: Date = new Date(),
): Promise<'retry' | 'parked'> {
  const tooOld = policy.maxAgeHours !== undefined && now.getTime() - d.receivedAt.getTime() > policy.maxAgeHours * 3_600_000;
  const park = failure.permanent || d.attempts >= policy.maxAttempts || tooOld;
  await db.query(
    `update deliveries set status = $3, last_error = $4, response = $5, lease_until = null, updated_at = now(),
       next_attempt_at = now() + make_interval(secs => $6::float8 / 1000)
     where id = $1 and status = 'sending' and leased_by = $2`,
    [d.id, worker, park ? 'error' : 'queued', failure.message.slice(0, 4000), failure.response ?? null, park ? 0 : retryDelayMs(policy, d.attempts)],
    { name: 'engine.mark-failed' },
  );
  if (park) await rollUpMessageStatus(db, d.messageId);
  return park ? 'parked' : 'retry';
}

/**
 * Puts back in the queue the deliveries whose process died mid-send: its lease ran out, or the
 * process that holds it has not beaten its heart for `deadAfterMs` (or, with `allButMe`, any
 * process other than this one: the embedded database has one process by construction).
 */
export async function reapExpiredLeases(db: SqlClient, opts: { deadAfterMs: number; allButMe?: string }): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set status = 'queued', lease_until = null, leased_by = null, updated_at = now(), next_attempt_at = now()
     where status = 'sending' and (
       lease_until < now()
       or ($2::text is not null and split_part(leased_by, '/', 1) <> $2)
       or split_part(leased_by, '/', 1) not in (
         select id from engine_processes where last_seen > now() - make_interval(secs => $1::float8 / 1000)))`,
    [opts.deadAfterMs, opts.allButMe ?? null],
  );
  return rowCount;
}

export async function heartbeat(db: SqlClient, processId: string): Promise<void> {
  await db.query(
    `insert into engine_processes (id) values ($1) on conflict (id) do update set last_seen = now()`,
    [processId],
  );
  await db.query(`delete from engine_processes where last_seen < now() - interval '1 day'`);
}

export async function leaveProcesses(db: SqlClient, processId: string): Promise<void> {
  await db.query('delete from engine_processes where id = $1', [processId]);
}

/** Releases this worker's own leases at shutdown so another process can pick them up at once. */
export async function releaseLeases(db: SqlClient, worker: string): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set status = 'queued', lease_until = null, leased_by = null, attempts = greatest(attempts - 1, 0), updated_at = now()
     where status = 'sending' and leased_by = $1`,
    [worker],
  );
  return rowCount;
}

export async function queueDepths(db: SqlClient): Promise<Map<string, { queued: number; errored: number }>> {
  const { rows } = await db.query<{ channel_id: string; destination_id: string; queued: number; errored: number }>(
    `select channel_id, destination_id,
            count(*) filter (where status in ('queued', 'sending'))::int as queued,
            count(*) filter (where status = 'error')::int as errored
     from deliveries where status in ('queued', 'sending', 'error') group by channel_id, destination_id`,
  );
  return new Map(rows.map((r) => [`${r.channel_id}/${r.destination_id}`, { queued: r.queued, errored: r.errored }]));
}

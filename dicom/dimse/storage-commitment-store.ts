// The durable side of Storage Commitment (migration 0011): requests accepted and not yet reported,
// claimed by one reporter at a time (SKIP LOCKED, for several processes on one PostgreSQL), and
// the index lookup that decides what is committed.
import type { IndexDb } from '../study-index/index-db.ts';
import type { CommitmentRef, CommitmentRequest, IndexedInstance } from './storage-commitment-request.ts';

export type PendingCommitment = CommitmentRequest & { callingAeTitle: string; attempts: number };

type Row = { transaction_uid: string; calling_ae_title: string; refs: CommitmentRef[] | string; attempts: number };

const toPending = (r: Row): PendingCommitment => ({
  transactionUid: r.transaction_uid,
  callingAeTitle: r.calling_ae_title,
  refs: typeof r.refs === 'string' ? (JSON.parse(r.refs) as CommitmentRef[]) : r.refs,
  attempts: r.attempts,
});

/**
 * Records an accepted request (a resent Transaction UID starts over). `holdMs`: how long the
 * reporter leaves it alone while the report is tried on the requesting association.
 */
export async function saveCommitment(db: IndexDb, request: CommitmentRequest, callingAeTitle: string, holdMs: number): Promise<void> {
  await db.query(
    `insert into storage_commitments (transaction_uid, calling_ae_title, refs, state, attempts, next_attempt_at)
     values ($1, $2, $3::jsonb, 'pending', 0, now() + $4::int * interval '1 millisecond')
     on conflict (transaction_uid) do update set calling_ae_title = excluded.calling_ae_title, refs = excluded.refs, state = 'pending',
       attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = null, event_type_id = null, updated_at = now()`,
    [request.transactionUid, callingAeTitle, JSON.stringify(request.refs), holdMs],
  );
}

/** The referenced instances the index holds (an instance is indexed only once its file is synced). */
export async function indexedInstances(db: IndexDb, sopInstanceUids: readonly string[]): Promise<IndexedInstance[]> {
  if (sopInstanceUids.length === 0) return [];
  const r = await db.query<{ sop_instance_uid: string; sop_class_uid: string }>(
    'select sop_instance_uid, sop_class_uid from instances where sop_instance_uid = any($1::text[])',
    [[...new Set(sopInstanceUids)]],
  );
  return r.rows.map((x) => ({ sopInstanceUid: x.sop_instance_uid, sopClassUid: x.sop_class_uid }));
}

export async function markReported(db: IndexDb, transactionUid: string, eventTypeId: number): Promise<void> {
  await db.query(`update storage_commitments set state = 'reported', event_type_id = $2, last_error = null, updated_at = now() where transaction_uid = $1`, [transactionUid, eventTypeId]);
}

/** The report could not be delivered now: try again in `retryInMs`, or (undefined) give up. */
export async function markUndelivered(db: IndexDb, transactionUid: string, o: { countAttempt: boolean; retryInMs: number | undefined; error: string }): Promise<void> {
  await db.query(
    `update storage_commitments set attempts = attempts + $2::int, last_error = $3, updated_at = now(),
       state = case when $4::int is null then 'failed' else state end,
       next_attempt_at = case when $4::int is null then next_attempt_at else now() + $4::int * interval '1 millisecond' end
     where transaction_uid = $1 and state = 'pending'`,
    [transactionUid, o.countAttempt ? 1 : 0, o.error, o.retryInMs ?? null],
  );
}

/** Claims up to `limit` due requests for `leaseMs` (another reporter skips them meanwhile). */
export async function claimDue(db: IndexDb, limit: number, leaseMs: number): Promise<PendingCommitment[]> {
  const r = await db.query<Row>(
    `update storage_commitments set next_attempt_at = now() + $2::int * interval '1 millisecond'
     where transaction_uid in (
       select transaction_uid from storage_commitments where state = 'pending' and next_attempt_at <= now()
       order by next_attempt_at limit $1 for update skip locked)
     returning transaction_uid, calling_ae_title, refs, attempts`,
    [limit, leaseMs],
  );
  return r.rows.map(toPending);
}

// The message store: every message a channel receives (raw, transformed, metadata, the answer
// sent back), its per-destination deliveries, and search over all of it.
import type { SqlClient } from './sql-client.ts';

export type MessageStatus = 'received' | 'filtered' | 'queued' | 'sent' | 'error';
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'error' | 'filtered' | 'cancelled';

export type NewMessage = {
  channelId: string;
  status: MessageStatus;
  dataType: string;
  raw: string;
  transformed?: string | undefined;
  charset?: string | undefined;
  messageType?: string | undefined;
  controlId?: string | undefined;
  patientId?: string | undefined;
  accession?: string | undefined;
  source?: Record<string, unknown> | undefined;
  response?: string | undefined;
  error?: string | undefined;
  reprocessedFrom?: number | undefined;
};

export type NewDelivery = {
  destinationId: string;
  status: DeliveryStatus;
  content?: string | undefined;
  orderKey?: string | undefined;
  response?: string | undefined;
  lastError?: string | undefined;
};

export type MessageRecord = {
  id: number;
  channelId: string;
  receivedAt: Date;
  status: MessageStatus;
  dataType: string;
  messageType: string | null;
  controlId: string | null;
  patientId: string | null;
  accession: string | null;
  error: string | null;
  reprocessedFrom: number | null;
};

export type MessageDetail = MessageRecord & {
  raw: string;
  transformed: string | null;
  charset: string | null;
  source: Record<string, unknown> | null;
  response: string | null;
  deliveries: DeliveryRecord[];
};

export type DeliveryRecord = {
  id: number;
  destinationId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  response: string | null;
  content: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
};

const LIST_COLUMNS = `m.id, m.channel_id as "channelId", m.received_at as "receivedAt", m.status, m.data_type as "dataType",
  m.message_type as "messageType", m.control_id as "controlId", m.patient_id as "patientId", m.accession,
  m.error, m.reprocessed_from as "reprocessedFrom"`;

export async function insertMessage(db: SqlClient, m: NewMessage): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into messages (channel_id, status, data_type, raw, transformed, charset, message_type, control_id,
       patient_id, accession, source, response, error, reprocessed_from)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
    [
      m.channelId, m.status, m.dataType, m.raw, m.transformed ?? null, m.charset ?? null, m.messageType ?? null,
      m.controlId ?? null, m.patientId ?? null, m.accession ?? null, m.source ? JSON.stringify(m.source) : null,
      m.response ?? null, m.error ?? null, m.reprocessedFrom ?? null,
    ],
  );
  return rows[0]!.id;
}

/**
 * Stores a message and its deliveries in one statement (one round trip, atomic on its own), for
 * the common case where the outcome is known before anything is written.
 */
export async function insertMessageWithDeliveries(db: SqlClient, m: NewMessage, ds: readonly NewDelivery[]): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `with m as (
       insert into messages (channel_id, status, data_type, raw, transformed, charset, message_type, control_id,
         patient_id, accession, source, response, error, reprocessed_from)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id),
     d as (
       insert into deliveries (message_id, channel_id, destination_id, status, content, order_key, response, last_error, sent_at)
       select m.id, $1, x.destination_id, x.status, x.content, x.order_key, x.response, x.last_error, case when x.status = 'sent' then now() end
       from m, unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[])
         as x(destination_id, status, content, order_key, response, last_error))
     select id from m`,
    [
      m.channelId, m.status, m.dataType, m.raw, m.transformed ?? null, m.charset ?? null, m.messageType ?? null,
      m.controlId ?? null, m.patientId ?? null, m.accession ?? null, m.source ? JSON.stringify(m.source) : null,
      m.response ?? null, m.error ?? null, m.reprocessedFrom ?? null,
      ds.map((d) => d.destinationId), ds.map((d) => d.status), ds.map((d) => d.content ?? null),
      ds.map((d) => d.orderKey ?? null), ds.map((d) => d.response ?? null), ds.map((d) => d.lastError ?? null),
    ],
    { name: 'engine.insert-message-with-deliveries' },
  );
  return rows[0]!.id;
}

/** The roll-up of delivery statuses into the message's: error > queued > sent > filtered. */
export function rollUp(statuses: readonly DeliveryStatus[]): MessageStatus {
  if (statuses.includes('error')) return 'error';
  if (statuses.some((s) => s === 'queued' || s === 'sending')) return 'queued';
  if (statuses.includes('sent')) return 'sent';
  return 'filtered';
}

/** After a sync destination ran: the deliveries, the final status and the answer, in one statement. */
export async function finishMessage(db: SqlClient, messageId: number, channelId: string, ds: readonly NewDelivery[], status: MessageStatus, response: string | undefined): Promise<void> {
  await db.query(
    `with d as (
       insert into deliveries (message_id, channel_id, destination_id, status, content, order_key, response, last_error, sent_at)
       select $1, $2, x.destination_id, x.status, x.content, x.order_key, x.response, x.last_error, case when x.status = 'sent' then now() end
       from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         as x(destination_id, status, content, order_key, response, last_error))
     update messages set status = $9, response = $10 where id = $1`,
    [
      messageId, channelId,
      ds.map((d) => d.destinationId), ds.map((d) => d.status), ds.map((d) => d.content ?? null),
      ds.map((d) => d.orderKey ?? null), ds.map((d) => d.response ?? null), ds.map((d) => d.lastError ?? null),
      status, response ?? null,
    ],
  );
}

/** Recomputes a message's status from its deliveries: error > queued > sent > filtered. */
export async function rollUpMessageStatus(db: SqlClient, messageId: number): Promise<void> {
  await db.query(
    `update messages m set status = coalesce((
       select case
         when bool_or(d.status = 'error') then 'error'
         when bool_or(d.status in ('queued', 'sending')) then 'queued'
         when bool_or(d.status = 'sent') then 'sent'
         else 'filtered' end
       from deliveries d where d.message_id = m.id), m.status)
     where m.id = $1 and exists (select 1 from deliveries d where d.message_id = $1)`,
    [messageId],
  );
}

export type MessageSearch = {
  offset: number;
  limit: number;
  order: 'ASC' | 'DESC';
  channelId?: string;
  status?: MessageStatus[];
  q?: string;
  messageType?: string;
  controlId?: string;
  patientId?: string;
  accession?: string;
  from?: Date;
  to?: Date;
  ids?: number[];
};

function searchWhere(s: Omit<MessageSearch, 'offset' | 'limit' | 'order'>): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (s.channelId) add('m.channel_id = ?', s.channelId);
  if (s.status?.length) add('m.status = any(?::text[])', s.status);
  if (s.messageType) add('m.message_type like ?', s.messageType.replace(/\*/g, '%'));
  if (s.controlId) add('m.control_id = ?', s.controlId);
  if (s.patientId) add('m.patient_id = ?', s.patientId);
  if (s.accession) add('m.accession = ?', s.accession);
  if (s.from) add('m.received_at >= ?', s.from);
  if (s.to) add('m.received_at <= ?', s.to);
  if (s.ids?.length) add('m.id = any(?::bigint[])', s.ids);
  if (s.q) {
    // ILIKE with the trigram indexes: substring search, case-insensitive, over raw and transformed.
    const pattern = `%${s.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add('(m.raw ilike ? or m.transformed ilike ?)', pattern);
  }
  return { sql: where.length ? `where ${where.join(' and ')}` : '', params };
}

export async function searchMessages(db: SqlClient, s: MessageSearch): Promise<{ messages: MessageRecord[]; total: number }> {
  const { sql, params } = searchWhere(s);
  const { rows } = await db.query<MessageRecord>(
    `select ${LIST_COLUMNS} from messages m ${sql} order by m.id ${s.order} limit ${s.limit} offset ${s.offset}`,
    params,
  );
  // An exact total over millions of rows would cost more than the page; cap the count.
  const cap = s.offset + s.limit + 10_000;
  const count = await db.query<{ n: number }>(`select count(*)::int as n from (select 1 from messages m ${sql} limit ${cap}) t`, params);
  return { messages: rows, total: count.rows[0]?.n ?? 0 };
}

export async function messageIdsMatching(db: SqlClient, s: Omit<MessageSearch, 'offset' | 'limit' | 'order'>, max: number): Promise<number[]> {
  const { sql, params } = searchWhere(s);
  const { rows } = await db.query<{ id: number }>(`select m.id from messages m ${sql} order by m.id limit ${max}`, params);
  return rows.map((r) => r.id);
}

export async function getMessage(db: SqlClient, id: number): Promise<MessageDetail | undefined> {
  const { rows } = await db.query<MessageDetail>(
    `select ${LIST_COLUMNS}, m.raw, m.transformed, m.charset, m.source, m.response from messages m where m.id = $1`,
    [id],
  );
  const msg = rows[0];
  if (!msg) return undefined;
  const ds = await db.query<DeliveryRecord>(
    `select id, destination_id as "destinationId", status, attempts, next_attempt_at as "nextAttemptAt",
            last_error as "lastError", response, content, created_at as "createdAt", updated_at as "updatedAt", sent_at as "sentAt"
     from deliveries where message_id = $1 order by id`,
    [id],
  );
  return { ...msg, deliveries: ds.rows };
}

/** Puts one delivery (or all failed/sent ones of the message) back in its queue. */
export async function requeueDeliveries(db: SqlClient, messageId: number, destinationId: string | undefined): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set status = 'queued', next_attempt_at = now(), lease_until = null, leased_by = null, updated_at = now()
     where message_id = $1 and ($2::text is null or destination_id = $2) and status in ('error', 'sent', 'cancelled')`,
    [messageId, destinationId ?? null],
  );
  if (rowCount > 0) await rollUpMessageStatus(db, messageId);
  return rowCount;
}

/** Deletes messages older than the channel's limit, in batches; errors may be kept. */
export async function pruneMessages(db: SqlClient, channelId: string, maxAgeDays: number, keepErrors: boolean, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `delete from messages where id in (
         select id from messages where channel_id = $1 and received_at < now() - make_interval(secs => $2::float8 * 86400)
           and ($3::boolean = false or status <> 'error') and status <> 'queued'
         limit ${batch})`,
      [channelId, maxAgeDays, keepErrors],
    );
    total += rowCount;
    if (rowCount < batch) return total;
  }
}

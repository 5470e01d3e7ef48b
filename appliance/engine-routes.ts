// /api/channels, /api/messages and /api/alerts: what integration analysts see and do.
import express from 'express';
import { z } from 'zod';
import { getMessage, messageIdsMatching, searchMessages } from '../engine/index.ts';
import type { Engine, MessageSearch, MessageStatus } from '../engine/index.ts';
import { recordAudit } from './audit.ts';
import type { Database } from './database.ts';
import type { ApiRouter } from './http/api-router.ts';
import { created } from './http/api-router.ts';
import { parseListQuery, setListHeaders } from './http/list-query.ts';

const ANALYSTS = ['admin', 'analyst'] as const;
const STATUSES: readonly MessageStatus[] = ['received', 'filtered', 'queued', 'sent', 'error'];
const MAX_BULK = 10_000;

function positiveId(text: string | undefined): number | undefined {
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function date(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The message browser's filter, shared by the list and the bulk reprocess. */
function messageFilter(filter: Record<string, unknown>): Omit<MessageSearch, 'offset' | 'limit' | 'order'> {
  const s: Omit<MessageSearch, 'offset' | 'limit' | 'order'> = {};
  const str = (k: string) => (typeof filter[k] === 'string' && filter[k] !== '' ? (filter[k] as string) : undefined);
  const channelId = str('channelId');
  if (channelId) s.channelId = channelId;
  const q = str('q');
  if (q) s.q = q;
  for (const k of ['messageType', 'controlId', 'patientId', 'accession'] as const) {
    const v = str(k);
    if (v) s[k] = v;
  }
  const status = filter.status;
  const statuses = (Array.isArray(status) ? status : typeof status === 'string' ? status.split(',') : []).filter((x): x is MessageStatus =>
    (STATUSES as readonly unknown[]).includes(x),
  );
  if (statuses.length) s.status = statuses;
  const from = date(filter.from);
  const to = date(filter.to);
  if (from) s.from = from;
  if (to) s.to = to;
  if (filter.id !== undefined) s.ids = (Array.isArray(filter.id) ? filter.id : [filter.id]).map(Number).filter(Number.isSafeInteger);
  return s;
}

export function registerEngineRoutes(api: ApiRouter, db: Database, engine: Engine): void {
  api.add({
    method: 'get',
    path: '/channels',
    tag: 'channels',
    summary: 'Channels with state, counters (received, filtered, sent, errored) and queue depths',
    access: ANALYSTS,
    async handler({ res }) {
      const channels = await engine.list();
      setListHeaders(res, 'channels', 0, channels.length, channels.length);
      return { ok: true, value: channels };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/:id',
    tag: 'channels',
    summary: 'One channel, with its definition',
    access: ANALYSTS,
    async handler({ params }) {
      const c = await engine.summary(params.id!);
      return c ? { ok: true, value: c } : { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `no channel ${params.id}` } };
    },
  });

  api.add({
    method: 'post',
    path: '/channels',
    tag: 'channels',
    summary: 'Deploy a new channel from its definition (the same shape as the exported YAML)',
    access: ANALYSTS,
    body: z.object({ id: z.string() }).loose(),
    async handler({ req, user, body }) {
      if (await engine.summary(body.id)) return { ok: false, error: { code: 'CHANNEL_EXISTS', message: `channel ${body.id} exists; PUT /api/channels/${body.id} changes it` } };
      const r = await engine.deploy(body);
      if (!r.ok) return r;
      await recordAudit(db, { username: user.username, action: 'channel.deploy', resourceType: 'Channel', resourceId: body.id, sourceIp: req.ip });
      return created(r.value);
    },
  });

  api.add({
    method: 'put',
    path: '/channels/:id',
    tag: 'channels',
    summary: 'Change (or create) a channel; it is redeployed at once',
    access: ANALYSTS,
    body: z.object({ id: z.string().optional() }).loose(),
    async handler({ req, user, body, params }) {
      // react-admin sends the whole record back: take its definition when it is there.
      const raw = (typeof body.definition === 'object' && body.definition !== null ? body.definition : body) as Record<string, unknown>;
      if (raw.id !== undefined && raw.id !== params.id) return { ok: false, error: { code: 'CHANNEL_INVALID', message: `id in the body (${String(raw.id)}) differs from the path (${params.id})` } };
      const r = await engine.deploy({ ...raw, id: params.id });
      if (!r.ok) return r;
      await recordAudit(db, { username: user.username, action: 'channel.deploy', resourceType: 'Channel', resourceId: params.id, sourceIp: req.ip });
      return { ok: true, value: r.value };
    },
  });

  api.add({
    method: 'delete',
    path: '/channels/:id',
    tag: 'channels',
    summary: 'Undeploy and remove a channel (its messages stay in the store)',
    access: ANALYSTS,
    async handler({ req, user, params }) {
      const r = await engine.undeploy(params.id!);
      if (!r.ok) return r;
      await recordAudit(db, { username: user.username, action: 'channel.undeploy', resourceType: 'Channel', resourceId: params.id, sourceIp: req.ip });
      return r;
    },
  });

  for (const [action, state] of [['start', 'started'], ['pause', 'paused'], ['stop', 'stopped']] as const) {
    api.add({
      method: 'post',
      path: `/channels/:id/${action}`,
      tag: 'channels',
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a channel${action === 'pause' ? ' (the source stops accepting; queues keep draining)' : ''}`,
      access: ANALYSTS,
      async handler({ req, user, params }) {
        const r = await engine.setState(params.id!, state);
        if (r.ok) await recordAudit(db, { username: user.username, action: `channel.${action}`, resourceType: 'Channel', resourceId: params.id, sourceIp: req.ip });
        return r;
      },
    });
  }

  api.add({
    method: 'get',
    path: '/messages',
    tag: 'messages',
    summary: 'Search messages: filter q (text in raw or transformed content), channelId, status, messageType, controlId, patientId, accession, from, to',
    access: ANALYSTS,
    async handler({ req, res, user }) {
      const parsed = parseListQuery(req.query, ['id', 'receivedAt'] as const, 'id');
      if (!parsed.ok) return parsed;
      const { offset, limit, order, filter } = parsed.value;
      const search = messageFilter(filter);
      const { messages, total } = await searchMessages(db, { ...search, offset, limit, order: parsed.value.sort === 'id' && !req.query.sort && !req.query._sort ? 'DESC' : order });
      setListHeaders(res, 'messages', offset, messages.length, total);
      if (search.q || search.patientId || search.accession) {
        await recordAudit(db, { username: user.username, action: 'message.search', sourceIp: req.ip, patientId: search.patientId, detail: { q: search.q, accession: search.accession, results: messages.length } });
      }
      return { ok: true, value: messages };
    },
  });

  api.add({
    method: 'get',
    path: '/messages/:id',
    tag: 'messages',
    summary: 'One message: raw and transformed content, the answer sent, and each destination delivery',
    access: ANALYSTS,
    async handler({ req, user, params }) {
      const id = positiveId(params.id);
      const msg = id && (await getMessage(db, id));
      if (!msg) return { ok: false, error: { code: 'MESSAGE_NOT_FOUND', message: `no message ${params.id}` } };
      await recordAudit(db, { username: user.username, action: 'message.read', resourceType: 'Message', resourceId: String(msg.id), patientId: msg.patientId ?? undefined, sourceIp: req.ip });
      return { ok: true, value: msg };
    },
  });

  api.add({
    method: 'post',
    path: '/messages/:id/reprocess',
    tag: 'messages',
    summary: 'Run a stored message through its channel again (as a new message)',
    access: ANALYSTS,
    async handler({ req, user, params }) {
      const id = positiveId(params.id);
      if (!id) return { ok: false, error: { code: 'MESSAGE_NOT_FOUND', message: `no message ${params.id}` } };
      const r = await engine.reprocess(id);
      if (!r.ok) return r;
      await recordAudit(db, { username: user.username, action: 'message.reprocess', resourceType: 'Message', resourceId: String(id), sourceIp: req.ip });
      return { ok: true, value: { id: r.value.messageId, status: r.value.status, reprocessedFrom: id } };
    },
  });

  api.add({
    method: 'post',
    path: '/messages/:id/resend',
    tag: 'messages',
    summary: "Put a message's failed (or a named destination's) deliveries back in the queue",
    access: ANALYSTS,
    body: z.object({ destinationId: z.string().optional() }),
    async handler({ req, user, params, body }) {
      const id = positiveId(params.id);
      if (!id) return { ok: false, error: { code: 'MESSAGE_NOT_FOUND', message: `no message ${params.id}` } };
      const r = await engine.resend(id, body.destinationId);
      if (!r.ok) return r;
      await recordAudit(db, { username: user.username, action: 'message.resend', resourceType: 'Message', resourceId: String(id), sourceIp: req.ip, detail: { destinationId: body.destinationId } });
      return { ok: true, value: { id, ...r.value } };
    },
  });

  api.add({
    method: 'post',
    path: '/messages/reprocess',
    tag: 'messages',
    summary: `Reprocess every message matching a search filter (at most ${MAX_BULK}), oldest first`,
    access: ANALYSTS,
    body: z.object({ filter: z.record(z.string(), z.unknown()) }),
    async handler({ req, user, body }) {
      const search = messageFilter(body.filter);
      if (Object.keys(search).length === 0) return { ok: false, error: { code: 'REQUEST_INVALID', message: 'give a filter: reprocessing every message is never what is meant' } };
      const ids = await messageIdsMatching(db, search, MAX_BULK);
      const results: { from: number; id?: number; status?: string; error?: string }[] = [];
      for (const id of ids) {
        const r = await engine.reprocess(id);
        results.push(r.ok ? { from: id, id: r.value.messageId, status: r.value.status } : { from: id, error: r.error.message });
      }
      await recordAudit(db, { username: user.username, action: 'message.reprocess-bulk', sourceIp: req.ip, detail: { count: ids.length } });
      return { ok: true, value: { count: ids.length, results } };
    },
  });

  api.add({
    method: 'get',
    path: '/alerts',
    tag: 'channels',
    summary: 'Channel alerts (error counts, queue depths over their thresholds), newest first',
    access: ANALYSTS,
    async handler({ req, res }) {
      const parsed = parseListQuery(req.query, ['id'] as const, 'id');
      if (!parsed.ok) return parsed;
      const { offset, limit, filter } = parsed.value;
      const open = filter.open === true || filter.open === 'true';
      const total = await db.query<{ n: number }>(`select count(*)::int as n from alerts ${open ? 'where acknowledged_at is null' : ''}`);
      const { rows } = await db.query(
        `select id, at, channel_id as "channelId", destination_id as "destinationId", kind, message, value, threshold,
                acknowledged_at as "acknowledgedAt", acknowledged_by as "acknowledgedBy"
         from alerts ${open ? 'where acknowledged_at is null' : ''} order by id desc limit ${limit} offset ${offset}`,
      );
      setListHeaders(res, 'alerts', offset, rows.length, total.rows[0]?.n ?? 0);
      return { ok: true, value: rows };
    },
  });

  api.add({
    method: 'put',
    path: '/alerts/:id',
    tag: 'channels',
    summary: 'Acknowledge an alert',
    access: ANALYSTS,
    async handler({ user, params }) {
      const { rows } = await db.query(
        `update alerts set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2) where id = $1
         returning id, at, channel_id as "channelId", destination_id as "destinationId", kind, message, value, threshold,
                   acknowledged_at as "acknowledgedAt", acknowledged_by as "acknowledgedBy"`,
        [positiveId(params.id) ?? 0, user.username],
      );
      return rows[0] ? { ok: true, value: rows[0] } : { ok: false, error: { code: 'ALERT_NOT_FOUND', message: `no alert ${params.id}` } };
    },
  });
}

/**
 * The HTTP source: POST /api/channels/{id}/messages with the message as the body (HL7 v2 as
 * text, JSON as JSON). HL7 channels answer with the ACK, others with {messageId, status}.
 */
export function channelInboxRouter(db: Database, engine: Engine): express.Router {
  const router = express.Router();
  router.post(
    '/:id/messages',
    // Every content type as text: the message store keeps exactly what was sent.
    express.text({ type: () => true, limit: '16mb' }),
    async (req, res) => {
      res.locals.route = '/api/channels/:id/messages';
      const user = res.locals.user as { role: string; username: string };
      if (!['admin', 'analyst'].includes(user.role)) return void res.status(403).json({ code: 'AUTH_FORBIDDEN', message: `role "${user.role}" may not post messages` });
      const text = typeof req.body === 'string' ? req.body : '';
      const r = await engine.dispatch(req.params.id!, { text, source: { connector: 'http', remoteAddress: req.ip, user: user.username } });
      if (!r.ok) {
        const status = r.error.code === 'CHANNEL_NOT_FOUND' ? 404 : 409;
        return void res.status(status).json({ code: r.error.code, message: r.error.message });
      }
      res.setHeader('X-Message-Id', String(r.value.messageId));
      if (r.value.response) return void res.type('x-application/hl7-v2+er7').send(r.value.response);
      res.status(r.value.status === 'error' ? 422 : 200).json({ messageId: r.value.messageId, status: r.value.status, error: r.value.error?.message });
    },
  );
  return router;
}

// /api/peers: the DICOM peers registry. Admins add, change and remove peers; analysts and
// technicians read it (to follow up a failed C-MOVE or a refused association). Every change is in
// the audit trail. A peer edited here is the admin's from then on: PACS_DICOM_PEERS no longer
// changes or removes it at start-up.
import { z } from 'zod';
import { createPeer, deletePeer, getPeer, listPeers, PEER_SORTS, updatePeer } from '../dicom/index.ts';
import type { PeerDirectory, PeerError, PeerListQuery, PeerSort } from '../dicom/index.ts';
import type { Role } from './auth/roles.ts';
import { recordAudit } from './audit.ts';
import type { Database } from './database.ts';
import type { ApiRouter, Outcome } from './http/api-router.ts';
import { created } from './http/api-router.ts';
import { parseListQuery, setListHeaders } from './http/list-query.ts';

const READERS: readonly Role[] = ['admin', 'analyst', 'technician'];
const WRITERS: readonly Role[] = ['admin'];

const SORTABLE = Object.keys(PEER_SORTS) as PeerSort[];

/** PS3.5 6.2: an AE title is 1 to 16 characters, no backslash or control characters; spaces around it do not count. */
const aet = z
  .string()
  .trim()
  .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'an AE title is 1 to 16 characters, no backslash');
const host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[^\s/@]+$/, 'a host name or IP address');
const peerPort = z.number().int().min(1).max(65535);
const description = z.string().trim().max(200).nullable().optional();
const permissions = {
  store: z.boolean().optional().describe('may send us instances (C-STORE)'),
  query: z.boolean().optional().describe('may query (C-FIND)'),
  retrieve: z.boolean().optional().describe('may ask for C-MOVE and C-GET'),
  moveDestination: z.boolean().optional().describe('C-MOVE may send instances to it'),
};
const newPeer = z.object({ aet, host, port: peerPort, description, ...permissions });
const peerChanges = z.object({ aet: aet.optional(), host: host.optional(), port: peerPort.optional(), description, ...permissions });

/** The registry's failures as /api answers (the one place they are mapped). */
function peerFailure(e: PeerError): Outcome {
  if (e.code === 'DICOM_PEER_EXISTS') return { ok: false, error: { code: 'PEER_EXISTS', message: e.message } };
  return { ok: false, error: { code: 'PEER_NOT_FOUND', message: e.message } };
}

const notFound = (id: string | undefined): Outcome => ({ ok: false, error: { code: 'PEER_NOT_FOUND', message: `no peer with id ${id}` } });

function peerId(text: string | undefined): number | undefined {
  const id = Number(text);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** `directory`: the snapshot the DIMSE services read, refreshed at once after a change. */
export function registerPeerRoutes(api: ApiRouter, db: Database, directory?: PeerDirectory): void {
  const changed = async () => {
    await directory?.invalidate();
  };

  api.add({
    method: 'get',
    path: '/peers',
    tag: 'peers',
    summary: `DICOM peers {aet, host, port, description, store, query, retrieve, moveDestination, source}; filter q, aet, moveDestination, id; sort by ${SORTABLE.join(', ')}`,
    access: READERS,
    async handler({ req, res }) {
      const parsed = parseListQuery(req.query as Record<string, unknown>, SORTABLE, 'aet');
      if (!parsed.ok) return parsed;
      const { offset, limit, sort, order, filter } = parsed.value;
      const q: PeerListQuery = { offset, limit, sort, order };
      if (typeof filter.q === 'string' && filter.q.trim()) q.q = filter.q.trim();
      if (typeof filter.aet === 'string' && filter.aet.trim()) q.aet = filter.aet;
      const move = bool(filter.moveDestination);
      if (move !== undefined) q.moveDestination = move;
      if (filter.id !== undefined) {
        const ids = (Array.isArray(filter.id) ? filter.id : [filter.id]).map(Number);
        if (!ids.every(Number.isSafeInteger)) return { ok: false, error: { code: 'REQUEST_INVALID', message: 'id is a number or a list of numbers' } };
        q.ids = ids;
      }
      const { rows, total } = await listPeers(db, q);
      setListHeaders(res, 'peers', offset, rows.length, total);
      return { ok: true, value: rows };
    },
  });

  api.add({
    method: 'get',
    path: '/peers/:id',
    tag: 'peers',
    summary: 'One DICOM peer',
    access: READERS,
    async handler({ params }) {
      const id = peerId(params.id);
      const peer = id && (await getPeer(db, id));
      return peer ? { ok: true, value: peer } : notFound(params.id);
    },
  });

  api.add({
    method: 'post',
    path: '/peers',
    tag: 'peers',
    summary: 'Add a DICOM peer (permissions default to true)',
    access: WRITERS,
    body: newPeer,
    async handler({ req, user, body }) {
      const made = await createPeer(db, body);
      if (!made.ok) return peerFailure(made.error);
      await changed();
      await recordAudit(db, { username: user.username, action: 'peer.create', resourceType: 'Peer', resourceId: String(made.value.id), sourceIp: req.ip, detail: { ...made.value } });
      return created(made.value);
    },
  });

  for (const method of ['put', 'patch'] as const) {
    api.add({
      method,
      path: '/peers/:id',
      tag: 'peers',
      summary: 'Change a DICOM peer (PACS_DICOM_PEERS no longer changes it afterwards)',
      access: WRITERS,
      body: peerChanges,
      async handler({ req, user, body, params }) {
        const id = peerId(params.id);
        if (!id) return notFound(params.id);
        const updated = await updatePeer(db, id, body);
        if (!updated.ok) return peerFailure(updated.error);
        await changed();
        await recordAudit(db, { username: user.username, action: 'peer.update', resourceType: 'Peer', resourceId: String(id), sourceIp: req.ip, detail: { changes: body, aet: updated.value.aet } });
        return { ok: true, value: updated.value };
      },
    });
  }

  api.add({
    method: 'delete',
    path: '/peers/:id',
    tag: 'peers',
    summary: 'Remove a DICOM peer (one PACS_DICOM_PEERS still names comes back at the next start)',
    access: WRITERS,
    async handler({ req, user, params }) {
      const id = peerId(params.id);
      if (!id) return notFound(params.id);
      const removed = await deletePeer(db, id);
      if (!removed.ok) return peerFailure(removed.error);
      await changed();
      await recordAudit(db, { username: user.username, action: 'peer.delete', resourceType: 'Peer', resourceId: String(id), sourceIp: req.ip, detail: { aet: removed.value.aet } });
      return { ok: true, value: removed.value };
    },
  });
}

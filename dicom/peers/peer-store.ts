// The DICOM peers registry (appliance/migrations/0007-peers.sql): the AE titles the archive knows,
// where they listen, and what each may do. Read by the DIMSE services (C-MOVE destinations,
// permission checks) and written by /api/peers and by the seeding from PACS_DICOM_PEERS.
import type { Result } from '../../engine/index.ts';

export type PeerDb = {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[]; rowCount: number }>;
};

export type PeerSource = 'config' | 'api';

export type Peer = {
  id: number;
  /** AE title, without padding. */
  aet: string;
  host: string;
  port: number;
  description: string | null;
  /** May send us instances (C-STORE). */
  store: boolean;
  /** May query (C-FIND). */
  query: boolean;
  /** May ask for C-MOVE and C-GET. */
  retrieve: boolean;
  /** C-MOVE may send instances to it. */
  moveDestination: boolean;
  /** 'config': seeded from PACS_DICOM_PEERS and still following it; 'api': added or edited by an admin. */
  source: PeerSource;
  createdAt: string;
  updatedAt: string;
};

export type PeerPermissions = Pick<Peer, 'store' | 'query' | 'retrieve' | 'moveDestination'>;

export type PeerInput = { aet: string; host: string; port: number; description?: string | null } & Partial<PeerPermissions>;

export type PeerChanges = Partial<PeerInput>;

export const PEER_FAILURES = {
  DICOM_PEER_NOT_FOUND: 'no peer has this id',
  DICOM_PEER_EXISTS: 'another peer has this AE title',
} as const;

export type PeerError = { code: keyof typeof PEER_FAILURES; message: string };

export const PEER_SORTS = { id: 'id', aet: 'ae_title', host: 'host', port: 'port', updatedAt: 'updated_at' } as const;
export type PeerSort = keyof typeof PEER_SORTS;

export type PeerListQuery = {
  offset: number;
  limit: number;
  sort?: PeerSort;
  order?: 'ASC' | 'DESC';
  /** Part of the AE title, host or description, any case. */
  q?: string;
  aet?: string;
  ids?: number[];
  moveDestination?: boolean;
};

const COLUMNS = `id::int as id, ae_title as aet, host, port, description, may_store as store, may_query as query,
  may_retrieve as retrieve, move_destination as "moveDestination", source,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
  to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "updatedAt"`;

const notFound = (id: number | string): { ok: false; error: PeerError } => ({ ok: false, error: { code: 'DICOM_PEER_NOT_FOUND', message: `no peer with id ${id}` } });
const exists = (aet: string): { ok: false; error: PeerError } => ({ ok: false, error: { code: 'DICOM_PEER_EXISTS', message: `a peer with AE title "${aet}" exists already` } });

export async function listPeers(db: PeerDb, q: PeerListQuery): Promise<{ rows: Peer[]; total: number }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (q.q) {
    const t = p(`%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(lower(ae_title) like ${t} or lower(host) like ${t} or lower(coalesce(description, '')) like ${t})`);
  }
  if (q.aet) where.push(`ae_title = ${p(q.aet.trim())}`);
  if (q.ids) where.push(`id = any(${p(q.ids)}::bigint[])`);
  if (q.moveDestination !== undefined) where.push(`move_destination = ${p(q.moveDestination)}`);
  const cond = where.length ? `where ${where.join(' and ')}` : '';
  const { rows: count } = await db.query<{ n: number }>(`select count(*)::int as n from dicom_peers ${cond}`, params);
  const order = `${PEER_SORTS[q.sort ?? 'aet']} ${q.order === 'DESC' ? 'desc' : 'asc'}, id`;
  const { rows } = await db.query<Peer>(`select ${COLUMNS} from dicom_peers ${cond} order by ${order} offset ${p(q.offset)} limit ${p(q.limit)}`, params);
  return { rows, total: count[0]?.n ?? 0 };
}

export async function getPeer(db: PeerDb, id: number): Promise<Peer | undefined> {
  const { rows } = await db.query<Peer>(`select ${COLUMNS} from dicom_peers where id = $1`, [id]);
  return rows[0];
}

/** The peer with this AE title (padding ignored), if any. */
export async function findPeerByAeTitle(db: PeerDb, aet: string): Promise<Peer | undefined> {
  const { rows } = await db.query<Peer>(`select ${COLUMNS} from dicom_peers where ae_title = $1`, [aet.trim()]);
  return rows[0];
}

export async function listAllPeers(db: PeerDb): Promise<Peer[]> {
  const { rows } = await db.query<Peer>(`select ${COLUMNS} from dicom_peers order by ae_title`);
  return rows;
}

export async function createPeer(db: PeerDb, input: PeerInput): Promise<Result<Peer, PeerError>> {
  const { rows } = await db.query<Peer>(
    `insert into dicom_peers (ae_title, host, port, description, may_store, may_query, may_retrieve, move_destination, source)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'api')
     on conflict (ae_title) do nothing
     returning ${COLUMNS}`,
    [input.aet.trim(), input.host, input.port, input.description ?? null, input.store ?? true, input.query ?? true, input.retrieve ?? true, input.moveDestination ?? true],
  );
  return rows[0] ? { ok: true, value: rows[0] } : exists(input.aet.trim());
}

/** Changes a peer; from then on it is the admin's ('api') and seeding leaves it alone. */
export async function updatePeer(db: PeerDb, id: number, changes: PeerChanges): Promise<Result<Peer, PeerError>> {
  const aet = changes.aet?.trim();
  if (aet !== undefined) {
    const other = await findPeerByAeTitle(db, aet);
    if (other && other.id !== id) return exists(aet);
  }
  try {
    const { rows } = await db.query<Peer>(
      `update dicom_peers set
         ae_title = coalesce($2, ae_title), host = coalesce($3, host), port = coalesce($4, port),
         description = case when $5::boolean then $6 else description end,
         may_store = coalesce($7, may_store), may_query = coalesce($8, may_query),
         may_retrieve = coalesce($9, may_retrieve), move_destination = coalesce($10, move_destination),
         source = 'api', updated_at = now()
       where id = $1
       returning ${COLUMNS}`,
      [id, aet ?? null, changes.host ?? null, changes.port ?? null, changes.description !== undefined, changes.description ?? null, changes.store ?? null, changes.query ?? null, changes.retrieve ?? null, changes.moveDestination ?? null],
    );
    return rows[0] ? { ok: true, value: rows[0] } : notFound(id);
  } catch (err) {
    // A concurrent rename to the same AE title loses on the unique index.
    if ((err as { code?: string }).code === '23505' && aet !== undefined) return exists(aet);
    throw err;
  }
}

export async function deletePeer(db: PeerDb, id: number): Promise<Result<Peer, PeerError>> {
  const { rows } = await db.query<Peer>(`delete from dicom_peers where id = $1 returning ${COLUMNS}`, [id]);
  return rows[0] ? { ok: true, value: rows[0] } : notFound(id);
}

export type SeedPeer = { aet: string; host: string; port: number };

export type SeedOutcome = {
  /** New peers, with every permission. */
  added: string[];
  /** Seeded earlier, host or port changed in the variable. */
  updated: string[];
  /** Listed in the variable but edited by an admin since: the admin's version is kept. */
  kept: string[];
  /** Seeded earlier, no longer in the variable, never edited: removed. */
  removed: string[];
};

/**
 * Brings the registry in line with PACS_DICOM_PEERS, by AE title: peers the variable names are
 * added (every permission granted) or, while nobody edited them, follow its host and port; peers
 * it no longer names are removed unless an admin edited them. Rows an admin created or changed
 * through /api/peers are never touched.
 */
export async function seedPeers(db: PeerDb, peers: readonly SeedPeer[]): Promise<SeedOutcome> {
  const out: SeedOutcome = { added: [], updated: [], kept: [], removed: [] };
  for (const peer of peers) {
    const aet = peer.aet.trim();
    const inserted = await db.query(
      `insert into dicom_peers (ae_title, host, port, source) values ($1, $2, $3, 'config') on conflict (ae_title) do nothing returning id`,
      [aet, peer.host, peer.port],
    );
    if (inserted.rows.length) {
      out.added.push(aet);
      continue;
    }
    const { rows } = await db.query<{ source: PeerSource; host: string; port: number }>('select source, host, port from dicom_peers where ae_title = $1', [aet]);
    const row = rows[0];
    if (!row || (row.host === peer.host && row.port === peer.port)) continue;
    if (row.source === 'api') {
      out.kept.push(aet);
      continue;
    }
    await db.query(`update dicom_peers set host = $2, port = $3, updated_at = now() where ae_title = $1 and source = 'config'`, [aet, peer.host, peer.port]);
    out.updated.push(aet);
  }
  const { rows } = await db.query<{ aet: string }>(
    `delete from dicom_peers where source = 'config' and not (ae_title = any($1::text[])) returning ae_title as aet`,
    [peers.map((p) => p.aet.trim())],
  );
  out.removed.push(...rows.map((r) => r.aet));
  return out;
}

// Nothing acknowledged is lost: kill -9 while a client streams messages, restart, and every message
// that got AA is in the store and reaches the receiver. Several processes on one PostgreSQL share
// a queue without delivering a message twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import pg from 'pg';
import { basic, createTestEnv } from './support/test-appliance.ts';
import { spawnPacs } from './support/appliance-process.ts';
import type { ApplianceProcess } from './support/appliance-process.ts';
import { mllpExchange, msa, orm, startMllpPeer } from './support/mllp-peer.ts';

const ADMIN = basic('admin', 'admin-test-password');

async function startProcess(env: Record<string, string>): Promise<{ p: ApplianceProcess; url: string }> {
  const p = spawnPacs(['start'], { ...env, PACS_LOG_LEVEL: 'info' });
  const [, port] = await p.waitFor(/listening http=(\d+)/);
  return { p, url: `http://127.0.0.1:${port}` };
}

async function deployRelay(url: string, id: string, peerPort: number, inPort = 0): Promise<number> {
  const res = await fetch(`${url}/api/channels/${id}`, {
    method: 'PUT',
    headers: { authorization: ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({
      id,
      name: id,
      source: { type: 'mllp', port: inPort },
      destinations: [{ id: 'ris', connector: { type: 'mllp', host: '127.0.0.1', port: peerPort }, retry: { maxAttempts: 100, initialDelayMs: 50, maxDelayMs: 500 } }],
    }),
  });
  const body = (await res.json()) as { source: { port: number }; message?: string };
  assert.equal(res.status, 200, body.message);
  return body.source.port;
}

/** Streams messages on one connection until the socket dies; returns the control IDs answered AA. */
function stream(port: number, prefix: string, max: number): { acked: string[]; done: Promise<void> } {
  const acked: string[] = [];
  const done = new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let n = 0;
    let buf = Buffer.alloc(0);
    const sendNext = () => {
      if (n >= max) return void socket.end();
      const id = `${prefix}-${String(n++).padStart(6, '0')}`;
      socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(orm(id, `P${n % 7}`)), Buffer.from([0x1c, 0x0d])]));
    };
    socket.on('connect', sendNext);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf(Buffer.from([0x1c, 0x0d]));
        if (end < 0) return;
        const ack = buf.subarray(buf.indexOf(0x0b) + 1, end).toString();
        buf = buf.subarray(end + 2);
        const ctl = ack.split('\r').find((s) => s.startsWith('MSA'))?.split('|')[2];
        if (msa(ack) === 'AA' && ctl) acked.push(ctl);
        sendNext();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
  return { acked, done };
}

test('kill -9 while a client streams: every message that got AA is stored and delivered after restart', async () => {
  const env = await createTestEnv();
  const peer = await startMllpPeer();
  try {
    let { p, url } = await startProcess(env.env);
    const inPort = await deployRelay(url, 'crash', peer.port);
    const s = stream(inPort, 'KILL', 100_000);
    // Let a good number through, then pull the plug mid-stream.
    while (s.acked.length < 300) await new Promise((r) => setTimeout(r, 20));
    p.proc.kill('SIGKILL');
    await s.done;
    await p.exited;
    const acked = [...s.acked];
    assert.ok(acked.length >= 300);

    ({ p, url } = await startProcess(env.env));
    try {
      // The channel comes back on its own: its definition and queue are in the database.
      await peer.waitFor((r) => {
        const got = new Set(r.map((x) => x.controlId));
        return acked.every((id) => got.has(id));
      }, 60_000);
      const stored = await fetch(`${url}/api/messages?filter=${encodeURIComponent(JSON.stringify({ channelId: 'crash' }))}&range=${encodeURIComponent('[0,0]')}`, {
        headers: { authorization: ADMIN },
      });
      const total = Number(stored.headers.get('x-total-count'));
      assert.ok(total >= acked.length, `stored ${total} < acked ${acked.length}`);
      // The channel keeps working after the restart (port 0: it has a new port now).
      const c = (await (await fetch(`${url}/api/channels/crash`, { headers: { authorization: ADMIN } })).json()) as { source: { port: number } };
      assert.deepEqual((await mllpExchange(c.source.port, [orm('AFTER-RESTART')])).map(msa), ['AA']);
    } finally {
      p.proc.kill('SIGTERM');
      await p.exited;
    }
  } finally {
    await peer.close();
    await env.cleanup();
  }
});

test('two processes on one PostgreSQL share a queue with no double delivery', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL)' }, async () => {
  const env = await createTestEnv();
  const peer = await startMllpPeer();
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const a = await startProcess(env.env);
  // The second process has its own data folder (hot storage would be shared storage in production).
  const b = await startProcess({ ...env.env, PACS_DATA_DIR: mkdtempSync(join(tmpdir(), 'pacs-b-')) });
  try {
    const port = await deployRelay(a.url, 'shared', peer.port);
    // Fill the queue while the receiver refuses, so both processes find a backlog when it accepts.
    peer.answer = () => 'AR';
    await new Promise((r) => setTimeout(r, 6000)); // b picks the channel up from the database
    const ids = Array.from({ length: 300 }, (_, i) => `TWO-${String(i).padStart(4, '0')}`);
    const acks = await mllpExchange(port, ids.map((id) => orm(id, `P${id}`)));
    assert.ok(acks.every((x) => msa(x) === 'AA'));
    peer.answer = () => 'AA';
    const accepted = (r: { controlId: string; answer?: string }[]) => r.filter((x) => x.controlId.startsWith('TWO-') && x.answer === 'AA');
    await peer.waitFor((r) => new Set(accepted(r).map((x) => x.controlId)).size === ids.length, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const aa = accepted(peer.received);
    // Deliveries that got AA are never sent twice.
    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ workers: number; sent: number }>(
      `select count(distinct split_part(leased_by, '/', 1))::int as workers, count(*) filter (where status = 'sent')::int as sent from deliveries where channel_id = 'shared'`,
    );
    await db.end();
    assert.equal(rows[0]!.sent, ids.length);
    assert.equal(rows[0]!.workers, 2, 'both processes delivered part of the queue');
    assert.equal(aa.length, ids.length, 'each message was accepted by the receiver exactly once');
  } finally {
    for (const x of [a, b]) {
      x.p.proc.kill('SIGTERM');
      await x.p.exited;
    }
    await peer.close();
    await env.cleanup();
  }
});

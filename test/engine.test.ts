// The channel engine as a RIS, a receiving system and an integration analyst see it: ACKs over
// real MLLP (python3-hl7's mllp_send and a plain-socket client), queues that survive a receiver
// being down, poison messages parked while the others flow, ordering, search, reprocess, resend.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { freePort, mllpExchange, msa, orm, startMllpPeer } from './support/mllp-peer.ts';
import type { MllpPeer } from './support/mllp-peer.ts';
import { runPacs } from './support/appliance-process.ts';

const run = promisify(execFile);

type Msg = { id: number; status: string; controlId: string; messageType: string; patientId: string; accession: string; error: string | null };
type Detail = Msg & { raw: string; response: string; deliveries: { destinationId: string; status: string; attempts: number; lastError: string | null }[] };

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T;
  return body;
}

/** A relay channel: MLLP in on a free port, MLLP out to `port`, fast retries for tests. */
function relay(id: string, port: number, extra: Record<string, unknown> = {}, retry: Record<string, unknown> = {}) {
  return {
    id,
    name: `Relay ${id}`,
    source: { type: 'mllp', port: 0 },
    destinations: [
      {
        id: 'ris',
        connector: { type: 'mllp', host: '127.0.0.1', port, responseTimeoutMs: 2000 },
        retry: { maxAttempts: 50, initialDelayMs: 50, maxDelayMs: 300, ...retry },
        ...extra,
      },
    ],
  };
}

describe('channel engine', () => {
  let app: TestAppliance;
  let peer: MllpPeer;
  before(async () => {
    app = await startTestAppliance();
    peer = await startMllpPeer();
  });
  after(async () => {
    await peer.close();
    await app.stop();
    await app.testEnv.cleanup();
  });

  async function deploy(def: unknown): Promise<number> {
    const res = await app.fetch('/api/channels', { method: 'POST', body: JSON.stringify(def) });
    const body = await json<{ source: { port: number }; message?: string }>(res);
    assert.equal(res.status, 201, body.message);
    return body.source.port;
  }

  async function messages(filter: Record<string, unknown>): Promise<Msg[]> {
    return json<Msg[]>(await app.fetch(`/api/messages?filter=${encodeURIComponent(JSON.stringify(filter))}&range=${encodeURIComponent('[0,999]')}`));
  }

  async function detail(id: number): Promise<Detail> {
    return json<Detail>(await app.fetch(`/api/messages/${id}`));
  }

  async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (ok(v)) return v;
      if (Date.now() > end) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('the orders channel listens on PACS_MLLP_PORT and ACKs what mllp_send sends, after storing it', async () => {
    assert.ok(app.ports.mllp && app.ports.mllp > 0);
    const dir = mkdtempSync(join(tmpdir(), 'hl7-'));
    const file = join(dir, 'orders.hl7');
    // --loose: a file of messages with \n line ends, each starting with MSH.
    writeFileSync(file, [orm('MS-0001', 'PAT-1'), orm('MS-0002', 'PAT-2')].map((m) => m.replaceAll('\r', '\n')).join('\n'));
    const { stdout } = await run('mllp_send', ['--loose', '-f', file, '-p', String(app.ports.mllp), '127.0.0.1']);
    assert.equal(stdout.match(/MSA\|/g)?.length, 2, stdout);
    assert.match(stdout, /MSA\|AA\|MS-0001/);
    assert.match(stdout, /MSA\|AA\|MS-0002/);
    assert.match(stdout, /MSH\|\^~\\&\|PACS\|RAD\|RIS\|HOSP\|\d{14}\|\|ACK\^O01\|/);

    const [stored] = await messages({ controlId: 'MS-0002' });
    assert.ok(stored);
    assert.equal(stored.messageType, 'ORM^O01');
    assert.equal(stored.patientId, 'PAT-2');
    assert.equal(stored.accession, 'ACC-MS-0002');
    assert.equal(stored.status, 'sent');
    const d = await detail(stored.id);
    assert.match(d.raw, /^MSH\|\^~\\&\|RIS\|HOSP/);
    assert.match(d.response, /MSA\|AA\|MS-0002/);
  });

  test('a message type the orders channel does not take is stored and answered AR', async () => {
    const oru = 'MSH|^~\\&|LAB|HOSP|PACS|RAD|20261123120000||ORU^R01|ORU-1|P|2.5.1\rPID|||P9\r';
    const [ack] = await mllpExchange(app.ports.mllp!, [oru]);
    assert.equal(msa(ack), 'AR');
    const [stored] = await messages({ controlId: 'ORU-1' });
    assert.equal(stored?.status, 'filtered');
  });

  test('malformed HL7 gets a negative ACK with ERR, the raw text is kept, and the listener keeps serving', async () => {
    const garbage = 'HELLO THIS IS NOT HL7';
    const badMsh = 'MSH|^^\\&|RIS|HOSP|PACS|RAD|20261123120000||ORM^O01|BAD-ENC|P|2.3.1\rPID|||P1\r';
    const noType = 'MSH|^~\\&|RIS|HOSP|PACS|RAD|20261123120000|||NO-TYPE|P|2.5.1\rPID|||P1\r';
    const answers = await mllpExchange(app.ports.mllp!, [garbage, badMsh, noType, orm('AFTER-BAD')]);
    assert.equal(msa(answers[0]), 'AR');
    assert.match(answers[0] ?? '', /^MSH\|/);
    assert.match(answers[0] ?? '', /\rERR\|/);
    assert.equal(msa(answers[1]), 'AR');
    assert.equal(msa(answers[2]), 'AE');
    assert.match(answers[2] ?? '', /101\^Required field missing/);
    assert.equal(msa(answers[3]), 'AA');

    const errors = await messages({ status: 'error', q: 'HELLO THIS' });
    assert.equal(errors.length, 1);
    assert.equal((await detail(errors[0]!.id)).raw, garbage);
  });

  test('a receiver that is down: messages are ACKed, queued, and each delivered exactly once when it comes up', async () => {
    const port = await freePort();
    const inPort = await deploy(relay('down-up', port));
    const ids = Array.from({ length: 20 }, (_, i) => `DU-${String(i).padStart(3, '0')}`);
    const acks = await mllpExchange(inPort, ids.map((id) => orm(id)));
    assert.deepEqual(acks.map(msa), ids.map(() => 'AA'));

    const queued = await eventually(() => messages({ channelId: 'down-up' }), (ms) => ms.every((m) => m.status === 'queued'));
    assert.equal(queued.length, 20);
    assert.ok(queued.every((m) => m.status === 'queued'));

    const late = await startMllpPeer(port);
    try {
      await late.waitFor((r) => new Set(r.map((x) => x.controlId)).size === 20);
      await new Promise((r) => setTimeout(r, 500)); // any duplicate would arrive now
      assert.deepEqual(late.received.map((r) => r.controlId).sort(), ids);
      const sent = await eventually(() => messages({ channelId: 'down-up', status: 'sent' }), (ms) => ms.length === 20);
      assert.equal(sent.length, 20);
      const channel = await eventually(
        async () => json<{ ratePerMinute: number; counts: { received: number }; destinations: { id: string; counts: { sent: number }; queued: number }[] }>(await app.fetch('/api/channels/down-up')),
        (c) => c.destinations[0]!.counts.sent === 20,
      );
      assert.equal(channel.destinations[0]!.counts.sent, 20);
      assert.equal(channel.destinations[0]!.queued, 0);
      assert.equal(channel.counts.received, 20);
      assert.equal(channel.ratePerMinute, 4, '20 messages in the last 5 minutes');
    } finally {
      await late.close();
    }
  });

  test('a poison message (AE) is parked at once while the others flow; resend delivers it once fixed', async () => {
    peer.answer = (r) => (r.controlId === 'PO-POISON' ? 'AE' : 'AA');
    const inPort = await deploy(relay('poison', peer.port));
    const ids = ['PO-1', 'PO-POISON', 'PO-2', 'PO-3'];
    await mllpExchange(inPort, ids.map((id) => orm(id)));
    await peer.waitFor((r) => ['PO-1', 'PO-2', 'PO-3'].every((id) => r.some((x) => x.controlId === id)));
    const [poison] = await eventually(() => messages({ controlId: 'PO-POISON' }), (ms) => ms[0]?.status === 'error');
    assert.equal(poison?.status, 'error');
    const d = await detail(poison!.id);
    assert.equal(d.deliveries[0]!.status, 'error');
    assert.equal(d.deliveries[0]!.attempts, 1);
    assert.match(d.deliveries[0]!.lastError ?? '', /answered AE/);

    peer.answer = () => 'AA';
    const resend = await app.fetch(`/api/messages/${poison!.id}/resend`, { method: 'POST', body: '{}' });
    assert.equal(resend.status, 200);
    assert.equal((await json<{ requeued: number }>(resend)).requeued, 1);
    await peer.waitFor((r) => r.filter((x) => x.controlId === 'PO-POISON').length === 2);
    const after = await eventually(() => detail(poison!.id), (x) => x.status === 'sent');
    assert.equal(after.status, 'sent');
  });

  test('AR and timeouts are retried with backoff until delivered; the others are not held up', async () => {
    let flaky = 0;
    peer.answer = (r) => (r.controlId === 'RT-FLAKY' && ++flaky <= 2 ? 'AR' : 'AA');
    const inPort = await deploy(relay('retry', peer.port));
    await mllpExchange(inPort, ['RT-FLAKY', 'RT-A', 'RT-B'].map((id) => orm(id)));
    await peer.waitFor((r) => r.filter((x) => x.controlId === 'RT-FLAKY').length === 3 && r.some((x) => x.controlId === 'RT-B'));
    const order = peer.received.filter((r) => r.controlId.startsWith('RT-')).map((r) => r.controlId);
    // RT-A and RT-B overtook the failing RT-FLAKY: no head-of-line blocking.
    assert.ok(order.indexOf('RT-A') < order.lastIndexOf('RT-FLAKY'), order.join(','));
    const [m] = await eventually(() => messages({ controlId: 'RT-FLAKY' }), (ms) => ms[0]?.status === 'sent');
    assert.equal((await detail(m!.id)).deliveries[0]!.attempts, 3);
    peer.answer = () => 'AA';
  });

  test('strict order: later messages wait behind a failing one', async () => {
    let first = 0;
    peer.answer = (r) => (r.controlId === 'SO-1' && ++first <= 2 ? 'AR' : 'AA');
    const inPort = await deploy(relay('strict', peer.port, { order: 'strict' }));
    await mllpExchange(inPort, ['SO-1', 'SO-2', 'SO-3'].map((id) => orm(id)));
    await peer.waitFor((r) => r.some((x) => x.controlId === 'SO-3'));
    const order = peer.received.filter((r) => r.controlId.startsWith('SO-')).map((r) => r.controlId);
    assert.deepEqual(order, ['SO-1', 'SO-1', 'SO-1', 'SO-2', 'SO-3']);
    peer.answer = () => 'AA';
  });

  test('a message with too many failures is parked after maxAttempts', async () => {
    peer.answer = (r) => (r.controlId === 'MA-1' ? 'AR' : 'AA');
    const inPort = await deploy(relay('max-attempts', peer.port, {}, { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 }));
    await mllpExchange(inPort, [orm('MA-1')]);
    const [m] = await eventually(() => messages({ controlId: 'MA-1' }), (ms) => ms[0]?.status === 'error');
    assert.equal(m?.status, 'error');
    assert.equal((await detail(m!.id)).deliveries[0]!.attempts, 3);
    assert.equal(peer.received.filter((r) => r.controlId === 'MA-1').length, 3);
    peer.answer = () => 'AA';
  });

  test('filters and mappings an analyst writes route and change messages without code', async () => {
    const inPort = await deploy({
      id: 'ct-only',
      name: 'CT and MR only',
      source: { type: 'mllp', port: 0 },
      filter: { rules: ['OBR-24 in (CT, MR)'] },
      transformer: { mappings: [{ set: 'MSH-5', value: 'AI-NODE' }] },
      destinations: [{ id: 'ris', connector: { type: 'mllp', host: '127.0.0.1', port: peer.port } }],
    });
    const us = orm('RF-US').replace('||||||CT', '||||||US');
    const answers = await mllpExchange(inPort, [orm('RF-CT'), us]);
    assert.deepEqual(answers.map(msa), ['AA', 'AA']);
    await peer.waitFor((r) => r.some((x) => x.controlId === 'RF-CT'));
    const ct = peer.received.find((x) => x.controlId === 'RF-CT')!;
    assert.match(ct.text, /^MSH\|\^~\\&\|RIS\|HOSP\|AI-NODE\|/);
    assert.equal((await messages({ controlId: 'RF-US' }))[0]?.status, 'filtered');
    assert.ok(!peer.received.some((x) => x.controlId === 'RF-US'));
  });

  test('message search: text in raw content, type, patient, status, dates; paging headers', async () => {
    const hits = await messages({ q: 'ACC-MS-0001' });
    assert.deepEqual(hits.map((m) => m.controlId), ['MS-0001']);
    const lower = await messages({ q: 'acc-ms-0001' });
    assert.equal(lower.length, 1, 'search is case-insensitive');
    const pat1 = await messages({ messageType: 'ORM*', patientId: 'PAT-1' });
    assert.ok(pat1.length > 0 && pat1.every((m) => m.patientId === 'PAT-1' && m.messageType === 'ORM^O01'));
    assert.equal((await messages({ q: 'ACC-MS-0001', to: '2000-01-01T00:00:00Z' })).length, 0);
    const res = await app.fetch(`/api/messages?range=${encodeURIComponent('[0,1]')}`);
    assert.match(res.headers.get('content-range') ?? '', /^messages 0-1\/\d+$/);
    const newestFirst = await json<Msg[]>(res);
    assert.ok(newestFirst[0]!.id > newestFirst[1]!.id);
  });

  test('reprocess one message and a whole search result', async () => {
    const [m] = await messages({ controlId: 'MS-0001' });
    const res = await app.fetch(`/api/messages/${m!.id}/reprocess`, { method: 'POST' });
    assert.equal(res.status, 200);
    const again = await json<{ id: number; reprocessedFrom: number; status: string }>(res);
    assert.equal(again.reprocessedFrom, m!.id);
    assert.notEqual(again.id, m!.id);
    assert.equal((await messages({ controlId: 'MS-0001' })).length, 2);

    const bulk = await app.fetch('/api/messages/reprocess', { method: 'POST', body: JSON.stringify({ filter: { channelId: 'poison' } }) });
    assert.equal(bulk.status, 200);
    assert.equal((await json<{ count: number }>(bulk)).count, 4);
  });

  test('the HTTP source takes a message and answers with the ACK', async () => {
    await deploy({ id: 'http-in', name: 'HTTP in', source: { type: 'http' }, destinations: [{ id: 'ris', connector: { type: 'mllp', host: '127.0.0.1', port: peer.port } }] });
    const res = await app.fetch('/api/channels/http-in/messages', { method: 'POST', body: orm('HTTP-1'), headers: { 'content-type': 'x-application/hl7-v2+er7' } });
    assert.equal(res.status, 200);
    assert.equal(msa(await res.text()), 'AA');
    await peer.waitFor((r) => r.some((x) => x.controlId === 'HTTP-1'));
    const none = await app.fetch('/api/channels/nope/messages', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
    assert.equal(none.status, 404);
  });

  test('pause closes the source while queues drain; start opens it again; stop and start keep messages', async () => {
    const port = await freePort();
    const inPort = await deploy(relay('pausable', port));
    assert.equal((await app.fetch('/api/channels/pausable/pause', { method: 'POST' })).status, 200);
    await assert.rejects(mllpExchange(inPort, [orm('PA-1')]), /ECONNREFUSED/);
    const started = await json<{ source: { port: number }; state: string }>(await app.fetch('/api/channels/pausable/start', { method: 'POST' }));
    assert.equal(started.state, 'started');
    assert.deepEqual((await mllpExchange(started.source.port, [orm('PA-2')])).map(msa), ['AA']);
    assert.equal((await json<{ state: string }>(await app.fetch('/api/channels/pausable/stop', { method: 'POST' }))).state, 'stopped');
    const late = await startMllpPeer(port);
    try {
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(late.received.length, 0, 'a stopped channel sends nothing');
      await app.fetch('/api/channels/pausable/start', { method: 'POST' });
      await late.waitFor((r) => r.some((x) => x.controlId === 'PA-2'));
    } finally {
      await late.close();
    }
  });

  test('invalid definitions are refused with the field named; roles are enforced', async () => {
    const bad = await app.fetch('/api/channels', { method: 'POST', body: JSON.stringify({ id: 'Bad Id', name: 'x', source: { type: 'mllp' }, destinations: [{ id: 'd' }] }) });
    assert.equal(bad.status, 400);
    const msg = (await json<{ message: string }>(bad)).message;
    assert.match(msg, /^id: /m);
    assert.match(msg, /source\.port/);
    assert.match(msg, /destinations/);
    const rule = await app.fetch('/api/channels', { method: 'POST', body: JSON.stringify({ ...relay('bad-rule', 1), filter: { rules: ['OBR-24 likes CT'] } }) });
    assert.equal(rule.status, 400);

    await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'rad', password: 'password-1', role: 'radiologist' }) });
    const rad = `Basic ${Buffer.from('rad:password-1').toString('base64')}`;
    assert.equal((await app.fetch('/api/channels', { auth: rad })).status, 403);
    assert.equal((await app.fetch('/api/messages', { auth: rad })).status, 403);
  });

  test('reading a message is audited with its patient', async () => {
    const [m] = await messages({ controlId: 'MS-0002' });
    await detail(m!.id);
    const audit = await json<{ action: string; patientId: string; resourceId: string }[]>(
      await app.fetch(`/api/audit?filter=${encodeURIComponent(JSON.stringify({ action: 'message.read', patientId: 'PAT-2' }))}`),
    );
    assert.ok(audit.some((a) => a.resourceId === String(m!.id)));
  });

  test('channels as code: export to YAML files and import them back through the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'channels-'));
    const env = { ...app.testEnv.env, PACS_URL: app.url, PACS_USER: 'admin', PACS_PASSWORD: app.testEnv.env.PACS_ADMIN_PASSWORD! };
    const out = await runPacs(['channels', 'export', dir], env);
    assert.equal(out.code, 0, out.output);
    const orders = parse(readFileSync(join(dir, 'orders.channel.yaml'), 'utf8')) as { id: string; source: { port: string } };
    assert.equal(orders.id, 'orders');
    assert.equal(orders.source.port, '${PACS_MLLP_PORT}');
    const text = readFileSync(join(dir, 'down-up.channel.yaml'), 'utf8');
    assert.match(text, /^id: down-up\nname: Relay down-up\n/);

    writeFileSync(join(dir, 'down-up.channel.yaml'), text.replace('name: Relay down-up', 'name: Renamed by import'));
    const imp = await runPacs(['channels', 'import', dir], env);
    assert.equal(imp.code, 0, imp.output);
    const c = await json<{ name: string; revision: number }>(await app.fetch('/api/channels/down-up'));
    assert.equal(c.name, 'Renamed by import');
    assert.ok(c.revision >= 2);
  });

  test('pruning deletes messages past the channel\'s age and keeps errors when asked', async () => {
    peer.answer = () => 'AA';
    // maxAgeDays 0.00002 is under two seconds.
    const inPort = await deploy({ ...relay('pruned', peer.port), prune: { maxAgeDays: 0.00002, keepErrors: true } });
    const answers = await mllpExchange(inPort, [orm('PR-OK'), 'NOT HL7 AT ALL']);
    assert.deepEqual(answers.map(msa), ['AA', 'AR']);
    await eventually(() => messages({ channelId: 'pruned', status: 'sent' }), (ms) => ms.length === 1);
    await new Promise((r) => setTimeout(r, 2500));
    await app.engine.prune();
    const left = await messages({ channelId: 'pruned' });
    assert.deepEqual(left.map((m) => m.status), ['error'], 'the sent message is gone, the error kept');
    assert.ok((await messages({ controlId: 'MS-0001' })).length > 0, 'other channels keep theirs');
  });

  test('/metrics carries channel counters and queue depths', async () => {
    const text = await (await app.fetch('/metrics')).text();
    assert.match(text, /^pacs_channel_messages_total\{channel="orders",destination="",outcome="received"\} \d+/m);
    assert.match(text, /^pacs_channel_queue_depth\{channel="down-up",destination="ris",state="queued"\} \d+/m);
    assert.match(text, /^pacs_channel_up\{channel="orders"\} 1/m);
  });
});

// HTTP and FHIR destinations, JSON channels and alerts. No FHIR server can run here, so a small
// HTTP server in the test plays the receiving system and records what it gets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { freePort, mllpExchange, orm } from './support/mllp-peer.ts';

type Hit = { method: string; url: string; headers: Record<string, unknown>; body: string };

async function receiver(answer: (hit: Hit, n: number) => number) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      hits.push(hit);
      const status = answer(hit, hits.length);
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(status < 300 ? JSON.stringify({ resourceType: 'Bundle', type: 'transaction-response' }) : JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('HTTP and FHIR destinations, alerts', () => {
  let app: TestAppliance;
  before(async () => {
    app = await startTestAppliance();
  });
  after(async () => {
    await app.stop();
    await app.testEnv.cleanup();
  });

  async function deploy(def: unknown) {
    const res = await app.fetch('/api/channels', { method: 'POST', body: JSON.stringify(def) });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { source: { port: number } };
  }

  test('a FHIR destination posts a transaction Bundle with its auth header; 5xx is retried, 4xx parked', async () => {
    const fhir = await receiver((hit, n) => (hit.body.includes('"bad"') ? 422 : n === 1 ? 503 : 200));
    try {
      await deploy({
        id: 'fhir-out',
        name: 'FHIR out',
        dataType: 'json',
        source: { type: 'http' },
        destinations: [{ id: 'ehr', connector: { type: 'fhir', baseUrl: `${fhir.url}/fhir/R4/`, operation: 'transaction', headers: { authorization: 'Bearer ehr-token' } }, retry: { initialDelayMs: 50 } }],
      });
      const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', id: 'p1' }, request: { method: 'PUT', url: 'Patient/p1' } }] };
      const res = await app.fetch('/api/channels/fhir-out/messages', { method: 'POST', body: JSON.stringify(bundle) });
      assert.equal(res.status, 200);
      const { messageId, status } = (await res.json()) as { messageId: number; status: string };
      assert.equal(status, 'queued');
      await until(() => fhir.hits.length, (n) => n >= 2);
      assert.equal(fhir.hits[1]!.method, 'POST');
      assert.equal(fhir.hits[1]!.url, '/fhir/R4');
      assert.equal(fhir.hits[1]!.headers.authorization, 'Bearer ehr-token');
      assert.equal(fhir.hits[1]!.headers['content-type'], 'application/fhir+json');
      assert.deepEqual(JSON.parse(fhir.hits[1]!.body), bundle);
      const msg = await until(async () => (await (await app.fetch(`/api/messages/${messageId}`)).json()) as { status: string; deliveries: { attempts: number }[] }, (m) => m.status === 'sent');
      assert.equal(msg.status, 'sent');
      assert.equal(msg.deliveries[0]!.attempts, 2);

      const bad = await app.fetch('/api/channels/fhir-out/messages', { method: 'POST', body: JSON.stringify({ ...bundle, id: 'bad' }) });
      const badId = ((await bad.json()) as { messageId: number }).messageId;
      const parked = await until(async () => (await (await app.fetch(`/api/messages/${badId}`)).json()) as { status: string; deliveries: { attempts: number; lastError: string }[] }, (m) => m.status === 'error');
      assert.equal(parked.status, 'error');
      assert.equal(parked.deliveries[0]!.attempts, 1);
      assert.match(parked.deliveries[0]!.lastError, /answered 422/);
    } finally {
      await fhir.close();
    }
  });

  test('a JSON channel stores what is not JSON as an error and answers 422', async () => {
    const res = await app.fetch('/api/channels/fhir-out/messages', { method: 'POST', body: '{"resourceType": "Bundle",', headers: { 'content-type': 'application/fhir+json' } });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { messageId: number; status: string; error: string };
    assert.equal(body.status, 'error');
    assert.match(body.error, /not JSON/);
    const stored = (await (await app.fetch(`/api/messages/${body.messageId}`)).json()) as { raw: string };
    assert.equal(stored.raw, '{"resourceType": "Bundle",');
  });

  test('an HTTP destination PUTs HL7 to a URL with its headers', async () => {
    const http = await receiver(() => 204);
    try {
      const { source } = await deploy({
        id: 'hl7-to-http',
        name: 'HL7 to HTTP',
        source: { type: 'mllp', port: 0 },
        destinations: [{ id: 'web', connector: { type: 'http', url: `${http.url}/inbox`, method: 'PUT', headers: { 'x-api-key': 'k1' } } }],
      });
      await mllpExchange(source.port, [orm('HTTP-OUT-1')]);
      await until(() => http.hits.length, (n) => n >= 1);
      assert.equal(http.hits[0]!.method, 'PUT');
      assert.equal(http.hits[0]!.headers['x-api-key'], 'k1');
      assert.equal(http.hits[0]!.headers['content-type'], 'x-application/hl7-v2+er7');
      assert.match(http.hits[0]!.body, /^MSH\|\^~\\&\|RIS\|HOSP\|PACS\|RAD\|\d+\|\|ORM\^O01\|HTTP-OUT-1\|/);
    } finally {
      await http.close();
    }
  });

  test('an alert is raised when a queue grows past its threshold, and can be acknowledged', async () => {
    const port = await freePort(); // nothing listens: the queue grows
    const { source } = await deploy({
      id: 'alerting',
      name: 'Alerting',
      source: { type: 'mllp', port: 0 },
      alerts: { queueDepth: { threshold: 2 } },
      destinations: [{ id: 'ris', connector: { type: 'mllp', host: '127.0.0.1', port }, retry: { initialDelayMs: 60_000 } }],
    });
    await mllpExchange(source.port, ['AL-1', 'AL-2', 'AL-3', 'AL-4'].map((id) => orm(id)));
    type Alert = { id: number; channelId: string; kind: string; value: number; threshold: number; acknowledgedBy: string | null };
    const alerts = await until(
      async () => (await (await app.fetch(`/api/alerts?filter=${encodeURIComponent('{"open":true}')}`)).json()) as Alert[],
      (a) => a.some((x) => x.channelId === 'alerting'),
      25_000,
    );
    const alert = alerts.find((x) => x.channelId === 'alerting');
    assert.ok(alert, 'an open alert for the channel');
    assert.equal(alert.kind, 'queue_depth');
    assert.equal(alert.value, 4);
    assert.equal(alert.threshold, 2);
    const ack = await app.fetch(`/api/alerts/${alert.id}`, { method: 'PUT', body: '{}' });
    assert.equal(((await ack.json()) as Alert).acknowledgedBy, 'admin');
    const open = (await (await app.fetch(`/api/alerts?filter=${encodeURIComponent('{"open":true}')}`)).json()) as Alert[];
    assert.ok(!open.some((x) => x.id === alert.id));
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { rmSync } from 'node:fs';
import { MllpSender } from './mllp-sender.ts';
import type { MllpSenderOptions } from './mllp-sender.ts';
import { startMllpListener } from './mllp-listener.ts';
import type { MllpHandler } from './mllp-listener.ts';
import { MllpFrameDecoder } from './mllp-frame-decoder.ts';
import { frameMllp } from './mllp-frame.ts';
import { memoryLogger } from './__fixtures__/memory-logger.ts';
import { makeSelfSignedCert } from './__fixtures__/self-signed-cert.ts';

const HOST = '127.0.0.1';
const msg = (id: string): Buffer => Buffer.from(`MSH|^~\\&|PACS|RAD|RIS|HOSP|20240101120000||ORU^R01|${id}|P|2.5\r`, 'latin1');
const answer = (payload: Buffer): Buffer => Buffer.concat([Buffer.from('ACK:'), payload]);
const echo: MllpHandler = async (payload) => answer(payload);

function sender(port: number, more: Partial<MllpSenderOptions> = {}): MllpSender {
  return new MllpSender({ host: HOST, port, log: memoryLogger(), ...more });
}

// A raw MLLP server whose behaviour per frame the test decides; counts connections.
async function rawServer(onFrame: (socket: net.Socket, payload: Buffer) => void): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new MllpFrameDecoder({ maxFrameBytes: 1024 * 1024 });
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.type === 'frame') onFrame(socket, e.payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('TLS: with the listener certificate as ca the sender gets the answer', async () => {
  const cert = makeSelfSignedCert();
  const listener = await startMllpListener({ host: HOST, port: 0, tls: { key: cert.key, cert: cert.cert }, log: memoryLogger(), handler: echo });
  try {
    const trusted = sender(listener.port, { tls: { ca: cert.cert } });
    const r = await trusted.send(msg('T1'));
    assert.deepEqual(r, { ok: true, value: answer(msg('T1')) });
    await trusted.close();

    const untrusted = sender(listener.port, { tls: {} });
    const refused = await untrusted.send(msg('T2'));
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.error.code === 'MLLP_CONNECT_FAILED' && refused.error.message.includes(`${HOST}:${listener.port}`), JSON.stringify(refused));
    await untrusted.close();
  } finally {
    await listener.stop(1_000);
    rmSync(cert.dir, { recursive: true, force: true });
  }
});

test('a server that is down gives MLLP_CONNECT_FAILED; the same sender succeeds once it is up', async () => {
  const probe = await startMllpListener({ host: HOST, port: 0, log: memoryLogger(), handler: echo });
  const port = probe.port;
  await probe.stop();
  const s = sender(port);
  const down = await s.send(msg('D1'));
  assert.equal(down.ok, false);
  assert.ok(!down.ok);
  assert.equal(down.error.code, 'MLLP_CONNECT_FAILED');
  assert.match(down.error.message, new RegExp(`${HOST}:${port}.*ECONNREFUSED`));
  const listener = await startMllpListener({ host: HOST, port, log: memoryLogger(), handler: echo });
  try {
    assert.deepEqual(await s.send(msg('D2')), { ok: true, value: answer(msg('D2')) });
  } finally {
    await s.close();
    await listener.stop(1_000);
  }
});

test('a server that never answers gives MLLP_TIMEOUT within responseTimeoutMs, then a fresh connection', async () => {
  let answerNow = false;
  const server = await rawServer((socket, payload) => {
    if (answerNow) socket.write(frameMllp(answer(payload)));
  });
  const s = sender(server.port, { responseTimeoutMs: 200 });
  try {
    const began = Date.now();
    const r = await s.send(msg('SILENT'));
    const took = Date.now() - began;
    assert.ok(!r.ok && r.error.code === 'MLLP_TIMEOUT', JSON.stringify(r));
    assert.ok(!r.ok && r.error.message.includes(`${HOST}:${server.port}`));
    assert.ok(took >= 190 && took < 1_500, `took ${took} ms`);
    answerNow = true;
    assert.deepEqual(await s.send(msg('AFTER')), { ok: true, value: answer(msg('AFTER')) });
    assert.equal(server.connections(), 2, 'the timed-out connection was not reused');
  } finally {
    await s.close();
    await server.close();
  }
});

test('the connect timeout applies when the TLS handshake never completes', async () => {
  const server = await rawServer(() => undefined); // accepts TCP, never speaks TLS
  const s = sender(server.port, { tls: {}, connectTimeoutMs: 150 });
  try {
    const r = await s.send(msg('X'));
    assert.ok(!r.ok && r.error.code === 'MLLP_CONNECT_FAILED' && r.error.message.includes('150 ms'), JSON.stringify(r));
  } finally {
    await s.close();
    await server.close();
  }
});

test('100 sends reuse one connection', async () => {
  const connectionIds = new Set<string>();
  const listener = await startMllpListener({
    host: HOST,
    port: 0,
    log: memoryLogger(),
    handler: async (payload, meta) => (connectionIds.add(meta.connectionId), answer(payload)),
  });
  const s = sender(listener.port);
  try {
    for (let k = 0; k < 100; k++) {
      const r = await s.send(msg(`R${k}`));
      assert.deepEqual(r, { ok: true, value: answer(msg(`R${k}`)) });
    }
    assert.equal(connectionIds.size, 1);
    assert.equal(listener.connectionCount(), 1);
  } finally {
    await s.close();
    await listener.stop(1_000);
  }
});

test('concurrent sends go one at a time, in call order, each waiting for its answer', async () => {
  const wire: string[] = [];
  const server = await rawServer((socket, payload) => {
    const id = payload.toString('latin1').split('|')[9];
    wire.push(`recv ${id}`);
    setTimeout(() => {
      wire.push(`answer ${id}`);
      socket.write(frameMllp(answer(payload)));
    }, 3);
  });
  const s = sender(server.port);
  try {
    const ids = Array.from({ length: 20 }, (_, k) => `Q${k}`);
    const results = await Promise.all(ids.map((id) => s.send(msg(id))));
    assert.deepEqual(results, ids.map((id) => ({ ok: true, value: answer(msg(id)) })));
    assert.deepEqual(wire, ids.flatMap((id) => [`recv ${id}`, `answer ${id}`]));
    assert.equal(server.connections(), 1);
  } finally {
    await s.close();
    await server.close();
  }
});

test('a connection closed while waiting gives MLLP_CLOSED; the next send reconnects', async () => {
  let first = true;
  const server = await rawServer((socket, payload) => {
    if (first) {
      first = false;
      socket.destroy();
    } else socket.write(frameMllp(answer(payload)));
  });
  const s = sender(server.port);
  try {
    const r = await s.send(msg('C1'));
    assert.ok(!r.ok && r.error.code === 'MLLP_CLOSED' && r.error.message.includes(`${HOST}:${server.port}`), JSON.stringify(r));
    assert.deepEqual(await s.send(msg('C2')), { ok: true, value: answer(msg('C2')) });
    assert.equal(server.connections(), 2);
  } finally {
    await s.close();
    await server.close();
  }
});

test('an answer larger than maxFrameBytes gives MLLP_RESPONSE_TOO_LARGE and a fresh connection next time', async () => {
  const server = await rawServer((socket, payload) => {
    const id = payload.toString('latin1').split('|')[9];
    socket.write(frameMllp(id === 'BIG' ? Buffer.alloc(4096, 0x41) : answer(payload)));
  });
  const s = sender(server.port, { maxFrameBytes: 1024 });
  try {
    const r = await s.send(msg('BIG'));
    assert.ok(!r.ok && r.error.code === 'MLLP_RESPONSE_TOO_LARGE', JSON.stringify(r));
    assert.deepEqual(await s.send(msg('SMALL')), { ok: true, value: answer(msg('SMALL')) });
    assert.equal(server.connections(), 2);
  } finally {
    await s.close();
    await server.close();
  }
});

test('an unsolicited extra frame drops the connection, so it is never taken for the next answer', async () => {
  const server = await rawServer((socket, payload) => {
    socket.write(Buffer.concat([frameMllp(answer(payload)), frameMllp(Buffer.from('STRAY'))]));
  });
  const log = memoryLogger();
  const s = new MllpSender({ host: HOST, port: server.port, log });
  try {
    assert.deepEqual(await s.send(msg('U1')), { ok: true, value: answer(msg('U1')) });
    assert.deepEqual(await s.send(msg('U2')), { ok: true, value: answer(msg('U2')) });
    assert.equal(server.connections(), 2);
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.msg?.startsWith('unsolicited')));
  } finally {
    await s.close();
    await server.close();
  }
});

test('a connection the receiver closed between sends is replaced without an error', async () => {
  let serverSocketClosed: Promise<void> | undefined;
  const server = await rawServer((socket, payload) => {
    serverSocketClosed ??= new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.end(frameMllp(answer(payload))); // answer, then close, as some receivers do
  });
  const s = sender(server.port);
  try {
    assert.deepEqual(await s.send(msg('E1')), { ok: true, value: answer(msg('E1')) });
    await serverSocketClosed;
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the FIN reach the sender's socket
    assert.deepEqual(await s.send(msg('E2')), { ok: true, value: answer(msg('E2')) });
    assert.equal(server.connections(), 2);
  } finally {
    await s.close();
    await server.close();
  }
});

test('close() lets the running send finish, fails the queued ones, and closes the connection', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  const listener = await startMllpListener({
    host: HOST,
    port: 0,
    log: memoryLogger(),
    handler: async (payload) => {
      started();
      await released;
      return answer(payload);
    },
  });
  const s = sender(listener.port);
  try {
    const running = s.send(msg('K1'));
    const queued = s.send(msg('K2'));
    await handlerStarted;
    const closing = s.close();
    release();
    assert.deepEqual(await running, { ok: true, value: answer(msg('K1')) });
    const q = await queued;
    assert.ok(!q.ok && q.error.code === 'MLLP_CLOSED');
    await closing;
    const after = await s.send(msg('K3'));
    assert.ok(!after.ok && after.error.code === 'MLLP_CLOSED');
  } finally {
    await listener.stop(1_000);
  }
  assert.equal(listener.connectionCount(), 0);
});

test('invalid limits are a configuration bug, thrown by the constructor', () => {
  for (const bad of [{ maxFrameBytes: 0 }, { responseTimeoutMs: 0 }, { connectTimeoutMs: Number.NaN }, { port: 0 }, { port: 70000 }]) {
    assert.throws(() => sender(1, bad), RangeError, JSON.stringify(bad));
  }
});

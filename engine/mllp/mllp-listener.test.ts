import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client, Message } from 'node-hl7-client';
import { startMllpListener } from './mllp-listener.ts';
import type { MllpHandler, MllpListener, MllpListenerOptions } from './mllp-listener.ts';
import { frameMllp } from './mllp-frame.ts';
import { memoryLogger } from './__fixtures__/memory-logger.ts';
import type { MemoryLogger } from './__fixtures__/memory-logger.ts';
import { connectRaw, writeAll } from './__fixtures__/raw-peer.ts';
import { makeSelfSignedCert } from './__fixtures__/self-signed-cert.ts';

const HOST = '127.0.0.1';

// A test message whose MSH-10 is `id`; PID-5 carries a patient name that must never reach logs above debug.
function orm(id: string): Buffer {
  return Buffer.from(`MSH|^~\\&|RIS|HOSP|PACS|RAD|20240101120000||ORM^O01|${id}|P|2.5\rPID|1||4711^^^HOSP||DOE^JANE\r`, 'latin1');
}
const controlId = (payload: Buffer): string => payload.toString('latin1').split('\r')[0]?.split('|')[9] ?? '';
function ack(payload: Buffer): Buffer {
  const id = controlId(payload);
  return Buffer.from(`MSH|^~\\&|PACS|RAD|RIS|HOSP|20240101120000||ACK^O01|A${id}|P|2.5\rMSA|AA|${id}\r`, 'latin1');
}
const ackHandler: MllpHandler = async (payload) => ack(payload);

async function withListener(
  overrides: Partial<MllpListenerOptions>,
  body: (listener: MllpListener, log: MemoryLogger) => Promise<void>,
): Promise<void> {
  const log = memoryLogger();
  const listener = await startMllpListener({ host: HOST, port: 0, log, handler: ackHandler, ...overrides });
  try {
    await body(listener, log);
  } finally {
    await listener.stop(2_000);
  }
  assert.equal(listener.connectionCount(), 0);
  const leaked = log.lines.filter((l) => l.level !== 'debug' && JSON.stringify(l).includes('DOE^JANE'));
  assert.deepEqual(leaked, [], 'no payload content in logs above debug');
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, program)));
}

test('binds exactly the given host, and resolves with the port actually bound', async () => {
  await withListener({}, async (listener) => {
    assert.ok(listener.port > 0);
    const peer = await connectRaw(listener.port);
    await writeAll(peer.socket, frameMllp(orm('1')));
    assert.deepEqual(await peer.until(frameMllp(ack(orm('1'))).length), frameMllp(ack(orm('1'))));
    peer.socket.destroy();
    // 127.0.0.2 is loopback too: a listener bound to 0.0.0.0 would accept it.
    const other = net.connect({ host: '127.0.0.2', port: listener.port });
    const [err] = (await once(other, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');
  });
});

test('start rejects when the port is taken', async () => {
  await withListener({}, async (listener) => {
    await assert.rejects(
      startMllpListener({ host: HOST, port: listener.port, log: memoryLogger(), handler: ackHandler }),
      (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE',
    );
  });
});

test('python-hl7 mllp_send gets the handler answers', { skip: !onPath('mllp_send') && 'mllp_send (python3-hl7) not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mllp-send-'));
  try {
    const ids = ['M1', 'M2', 'M3'];
    // --loose: messages start with MSH|^~\&|, segments end with \n (turned into \r by mllp_send).
    const file = join(dir, 'messages.hl7');
    writeFileSync(file, ids.map((id) => orm(id).toString('latin1').replace(/\r/g, '\n')).join('\n'), 'latin1');
    const received: Buffer[] = [];
    await withListener({ handler: async (payload) => (received.push(payload), ack(payload)) }, async (listener) => {
      const stdout = await new Promise<Buffer>((resolve, reject) => {
        execFile('mllp_send', ['--loose', '-f', file, '-p', String(listener.port), HOST], { encoding: 'buffer', timeout: 10_000 }, (err, out) =>
          err ? reject(err) : resolve(out),
        );
      });
      // mllp_send prints each answer as received (framing bytes included) plus a newline.
      const expected = Buffer.concat(ids.map((id) => Buffer.concat([frameMllp(ack(orm(id))), Buffer.from('\n')])));
      assert.equal(stdout.toString('latin1'), expected.toString('latin1'));
    });
    assert.deepEqual(received.map((p) => p.toString('latin1')), ids.map((id) => orm(id).toString('latin1').replace(/\r$/, '')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('node-hl7-client (an independent MLLP implementation) gets the answers', async () => {
  await withListener({}, async (listener) => {
    const client = new Client({ host: HOST });
    const answers: string[] = [];
    let wake: (() => void) | undefined;
    const connection = client.createConnection({ port: listener.port, waitAck: true }, async (res) => {
      answers.push(res.getMessage().toString());
      wake?.();
    });
    try {
      await once(connection, 'connect');
      for (const id of ['N1', 'N2', 'N3']) {
        const answered = new Promise<void>((resolve) => (wake = resolve));
        await connection.sendMessage(new Message({ text: orm(id).toString('latin1') }));
        await answered;
      }
    } finally {
      await connection.close();
    }
    assert.deepEqual(answers, ['N1', 'N2', 'N3'].map((id) => ack(orm(id)).toString('latin1').trimEnd()));
  });
});

test('a frame written one byte at a time, split everywhere, is answered', async () => {
  await withListener({}, async (listener) => {
    const peer = await connectRaw(listener.port);
    const stream = Buffer.concat(['B1', 'B2', 'B3'].map((id) => frameMllp(orm(id))));
    for (const byte of stream) {
      await writeAll(peer.socket, Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const expected = Buffer.concat(['B1', 'B2', 'B3'].map((id) => frameMllp(ack(orm(id)))));
    assert.deepEqual(await peer.until(expected.length), expected);
    peer.socket.destroy();
  });
});

test('50 frames pipelined in one write get 50 answers in order, one handler at a time', async () => {
  let running = 0;
  let maxRunning = 0;
  const handler: MllpHandler = async (payload) => {
    maxRunning = Math.max(maxRunning, ++running);
    await new Promise((resolve) => setTimeout(resolve, Number(controlId(payload).slice(1)) % 3));
    running--;
    return ack(payload);
  };
  await withListener({ handler }, async (listener) => {
    const ids = Array.from({ length: 50 }, (_, k) => `P${k}`);
    const peer = await connectRaw(listener.port);
    await writeAll(peer.socket, Buffer.concat(ids.map((id) => frameMllp(orm(id)))));
    const expected = Buffer.concat(ids.map((id) => frameMllp(ack(orm(id)))));
    assert.deepEqual(await peer.until(expected.length), expected);
    assert.equal(maxRunning, 1);
    peer.socket.destroy();
  });
});

test('connections are served in parallel, each in its own order', async () => {
  let running = 0;
  let maxRunning = 0;
  const handler: MllpHandler = async (payload) => {
    maxRunning = Math.max(maxRunning, ++running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    running--;
    return ack(payload);
  };
  await withListener({ handler }, async (listener) => {
    await Promise.all(
      Array.from({ length: 10 }, async (_, c) => {
        const ids = Array.from({ length: 20 }, (_, k) => `C${c}-${k}`);
        const peer = await connectRaw(listener.port);
        await writeAll(peer.socket, Buffer.concat(ids.map((id) => frameMllp(orm(id)))));
        const expected = Buffer.concat(ids.map((id) => frameMllp(ack(orm(id)))));
        assert.deepEqual(await peer.until(expected.length), expected);
        peer.socket.destroy();
      }),
    );
    assert.ok(maxRunning > 1, `handlers ran in parallel across connections (max ${maxRunning})`);
  });
});

test('an undefined answer writes nothing and the next frame is still answered', async () => {
  const handler: MllpHandler = async (payload) => (controlId(payload) === 'SILENT' ? undefined : ack(payload));
  await withListener({ handler }, async (listener) => {
    const peer = await connectRaw(listener.port);
    await writeAll(peer.socket, Buffer.concat([frameMllp(orm('SILENT')), frameMllp(orm('LOUD'))]));
    const expected = frameMllp(ack(orm('LOUD')));
    assert.deepEqual(await peer.until(expected.length), expected);
    peer.socket.destroy();
  });
});

test('a peer that half-closes after writing still gets its answers, then the listener closes', async () => {
  await withListener({}, async (listener) => {
    const peer = await connectRaw(listener.port);
    peer.socket.end(Buffer.concat([frameMllp(orm('H1')), frameMllp(orm('H2'))]));
    await peer.closed;
    assert.deepEqual(peer.received(), Buffer.concat([frameMllp(ack(orm('H1'))), frameMllp(ack(orm('H2')))]));
  });
});

function garbage(bytes: number): Buffer {
  const b = randomBytes(bytes);
  for (let k = 0; k < b.length; k++) if (b[k] === 0x0b) b[k] = 0;
  return b;
}

test('10 MB of garbage without VT is counted, not kept, and the same connection is served afterwards', async () => {
  await withListener({}, async (listener, log) => {
    const peer = await connectRaw(listener.port);
    const bystander = await connectRaw(listener.port);
    const noise = garbage(10 * 1024 * 1024);
    await writeAll(peer.socket, noise);
    await writeAll(bystander.socket, frameMllp(orm('BY')));
    assert.deepEqual(await bystander.until(frameMllp(ack(orm('BY'))).length), frameMllp(ack(orm('BY'))));
    await writeAll(peer.socket, frameMllp(orm('AFTER')));
    assert.deepEqual(await peer.until(frameMllp(ack(orm('AFTER'))).length), frameMllp(ack(orm('AFTER'))));
    const counted = log.lines.filter((l) => l.msg === 'bytes outside an MLLP frame ignored').map((l) => l.obj.bytes);
    assert.deepEqual(counted, [noise.length]);
    peer.socket.destroy();
    bystander.socket.destroy();
  });
});

test('garbage beyond maxFrameBytes closes that connection only', async () => {
  await withListener({ maxFrameBytes: 1024 * 1024 }, async (listener, log) => {
    const peer = await connectRaw(listener.port);
    void writeAll(peer.socket, garbage(10 * 1024 * 1024));
    await peer.closed;
    assert.equal(peer.received().length, 0);
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.msg?.includes('larger than maxFrameBytes')));
    const next = await connectRaw(listener.port);
    await writeAll(next.socket, frameMllp(orm('NEXT')));
    assert.deepEqual(await next.until(frameMllp(ack(orm('NEXT'))).length), frameMllp(ack(orm('NEXT'))));
    next.socket.destroy();
  });
});

test('an oversize frame closes that connection after answering the frames before it', async () => {
  await withListener({ maxFrameBytes: 64 * 1024 }, async (listener) => {
    const bystander = await connectRaw(listener.port);
    const peer = await connectRaw(listener.port);
    const big = frameMllp(Buffer.concat([orm('BIG'), Buffer.alloc(200 * 1024, 0x41)]));
    void writeAll(peer.socket, Buffer.concat([frameMllp(orm('OK1')), big, frameMllp(orm('NEVER'))]));
    await peer.closed;
    assert.deepEqual(peer.received(), frameMllp(ack(orm('OK1'))));
    await writeAll(bystander.socket, frameMllp(orm('STILL')));
    assert.deepEqual(await bystander.until(frameMllp(ack(orm('STILL'))).length), frameMllp(ack(orm('STILL'))));
    bystander.socket.destroy();
  });
});

test('a handler that throws or rejects closes only that connection, unanswered', async () => {
  const handler = ((payload: Buffer) => {
    const id = controlId(payload);
    if (id === 'SYNC') throw new Error('bug in a synchronous handler');
    if (id === 'ASYNC') return Promise.reject(new Error('bug in an async handler for DOE^JANE'));
    return Promise.resolve(ack(payload));
  }) as MllpHandler;
  await withListener({ handler }, async (listener, log) => {
    const bystander = await connectRaw(listener.port);
    for (const id of ['SYNC', 'ASYNC']) {
      const peer = await connectRaw(listener.port);
      await writeAll(peer.socket, Buffer.concat([frameMllp(orm(id)), frameMllp(orm(`${id}-AFTER`))]));
      await peer.closed;
      assert.equal(peer.received().length, 0, `${id}: nothing answered`);
    }
    await writeAll(bystander.socket, frameMllp(orm('OK')));
    assert.deepEqual(await bystander.until(frameMllp(ack(orm('OK'))).length), frameMllp(ack(orm('OK'))));
    assert.equal(log.lines.filter((l) => l.level === 'error' && l.msg?.startsWith('MLLP handler failed')).length, 2);
    bystander.socket.destroy();
  });
});

test('idle connections are closed after idleTimeoutMs', async () => {
  await withListener({ idleTimeoutMs: 100 }, async (listener) => {
    const peer = await connectRaw(listener.port);
    await writeAll(peer.socket, frameMllp(orm('I1')));
    const started = Date.now();
    await peer.closed;
    assert.deepEqual(peer.received(), frameMllp(ack(orm('I1'))));
    assert.ok(Date.now() - started >= 80, 'not closed before the idle time');
  });
});

test('maxConnections refuses connections beyond the limit', async () => {
  await withListener({ maxConnections: 1 }, async (listener, log) => {
    const first = await connectRaw(listener.port);
    const second = await connectRaw(listener.port);
    await second.closed;
    await writeAll(first.socket, frameMllp(orm('FIRST')));
    assert.deepEqual(await first.until(frameMllp(ack(orm('FIRST'))).length), frameMllp(ack(orm('FIRST'))));
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.msg?.includes('maxConnections')));
    first.socket.destroy();
  });
});

test('stop() waits for the running handler, writes its answer, then closes and refuses new connections', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  let calls = 0;
  const handler: MllpHandler = async (payload) => {
    calls++;
    started();
    await released;
    return ack(payload);
  };
  const listener = await startMllpListener({ host: HOST, port: 0, log: memoryLogger(), handler });
  const peer = await connectRaw(listener.port);
  const idle = await connectRaw(listener.port);
  await writeAll(peer.socket, Buffer.concat([frameMllp(orm('SLOW')), frameMllp(orm('QUEUED'))]));
  await handlerStarted;
  let stopped = false;
  const stopping = listener.stop().then(() => (stopped = true));
  await idle.closed; // connections with nothing running close at once
  const refused = net.connect({ host: HOST, port: listener.port });
  const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'ECONNREFUSED');
  assert.equal(stopped, false);
  release();
  await peer.closed;
  await stopping;
  assert.deepEqual(peer.received(), frameMllp(ack(orm('SLOW'))), 'the running frame is answered; the queued one is not started');
  assert.equal(calls, 1);
  assert.equal(listener.connectionCount(), 0);
});

test('stop(graceMs) destroys connections whose handler does not finish in time', async () => {
  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  const handler: MllpHandler = () => {
    started();
    return new Promise<undefined>(() => undefined);
  };
  const listener = await startMllpListener({ host: HOST, port: 0, log: memoryLogger(), handler });
  const peer = await connectRaw(listener.port);
  await writeAll(peer.socket, frameMllp(orm('STUCK')));
  await handlerStarted;
  const began = Date.now();
  await listener.stop(150);
  assert.ok(Date.now() - began >= 140);
  await peer.closed;
  assert.equal(peer.received().length, 0);
});

test('TLS: the listener answers over TLS, tells the handler, and survives plain-TCP peers', async () => {
  const cert = makeSelfSignedCert();
  try {
    let sawTls: boolean | undefined;
    const handler: MllpHandler = async (payload, meta) => ((sawTls = meta.tls), ack(payload));
    await withListener({ handler, tls: { key: cert.key, cert: cert.cert } }, async (listener) => {
      const plain = await connectRaw(listener.port);
      await writeAll(plain.socket, frameMllp(orm('PLAIN')));
      await plain.closed;
      assert.equal(sawTls, undefined);

      const secure = tls.connect({ host: HOST, port: listener.port, ca: cert.cert });
      await once(secure, 'secureConnect');
      const expected = frameMllp(ack(orm('TLS')));
      let received = Buffer.alloc(0);
      const answered = new Promise<void>((resolve) =>
        secure.on('data', (c: Buffer) => {
          received = Buffer.concat([received, c]);
          if (received.length >= expected.length) resolve();
        }),
      );
      secure.write(frameMllp(orm('TLS')));
      await answered;
      assert.deepEqual(received, expected);
      assert.equal(sawTls, true);
      secure.end();
      await once(secure, 'close');
    });
  } finally {
    rmSync(cert.dir, { recursive: true, force: true });
  }
});

test('invalid limits reject start instead of failing on the first connection', async () => {
  for (const bad of [{ maxFrameBytes: 0 }, { idleTimeoutMs: -1 }, { idleTimeoutMs: 2 ** 32 }, { maxConnections: 1.5 }]) {
    await assert.rejects(startMllpListener({ host: HOST, port: 0, log: memoryLogger(), handler: ackHandler, ...bad }), RangeError, JSON.stringify(bad));
  }
});

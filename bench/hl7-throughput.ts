// HL7 v2 messages per second, persisted and ACKed (AA after commit), through a channel with a
// queued MLLP destination, on one and on four connections. The appliance runs as its own process.
import { connect } from 'node:net';
import { createTestEnv, basic, ADMIN_PASSWORD } from '../test/support/test-appliance.ts';
import { spawnPacs } from '../test/support/appliance-process.ts';
import { orm, startMllpPeer } from '../test/support/mllp-peer.ts';

function client(port: number, prefix: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let sent = 0;
    let acked = 0;
    let buf = Buffer.alloc(0);
    const next = () => {
      if (sent === count) return void socket.end();
      const frame = Buffer.concat([Buffer.from([0x0b]), Buffer.from(orm(`${prefix}${sent++}`)), Buffer.from([0x1c, 0x0d])]);
      socket.write(frame);
    };
    socket.on('connect', next);
    socket.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      let end;
      while ((end = buf.indexOf(Buffer.from([0x1c, 0x0d]))) >= 0) {
        if (buf.subarray(0, end).includes('MSA|AA|')) acked++;
        buf = buf.subarray(end + 2);
        next();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(acked));
  });
}

export async function hl7Throughput(): Promise<string[]> {
  const lines = ['| destination | connections | messages | seconds | messages/s (persisted + ACKed) |', '|---|---|---|---|---|'];
  for (const queued of [true, false]) lines.push(...(await measure(queued)));
  return lines;
}

/** queued: a queued MLLP destination works the messages meanwhile; else the destination is disabled (inbound only). */
async function measure(queued: boolean): Promise<string[]> {
  const env = await createTestEnv();
  const peer = await startMllpPeer();
  const p = spawnPacs(['start'], { ...env.env, PACS_LOG_LEVEL: 'info' });
  const lines: string[] = [];
  try {
    const [, httpPort] = await p.waitFor(/listening http=(\d+)/);
    const url = `http://127.0.0.1:${httpPort}`;
    const auth = basic('admin', ADMIN_PASSWORD);
    const res = await fetch(`${url}/api/channels/bench`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bench', name: 'bench', source: { type: 'mllp', port: 0 }, destinations: [{ id: 'out', enabled: queued, connector: { type: 'mllp', host: '127.0.0.1', port: peer.port } }] }),
    });
    const port = ((await res.json()) as { source: { port: number } }).source.port;
    await client(port, 'WARM', 300);
    for (const connections of [1, 4]) {
      const per = 2000;
      const t0 = performance.now();
      const acked = await Promise.all(Array.from({ length: connections }, (_, i) => client(port, `C${connections}-${i}-`, per)));
      const s = (performance.now() - t0) / 1000;
      const n = acked.reduce((a, b) => a + b, 0);
      lines.push(`| ${queued ? 'queued MLLP' : 'none (inbound only)'} | ${connections} | ${n} | ${s.toFixed(2)} | ${Math.round(n / s)} |`);
    }
  } finally {
    p.proc.kill('SIGTERM');
    await p.exited;
    await peer.close();
    await env.cleanup();
  }
  return lines;
}

// A stand-in RIS for tests: an MLLP receiver written here with plain sockets (independent of the
// engine's own MLLP code) that records what arrives and answers with the ACK code a test chooses.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export type Received = { controlId: string; text: string; answer?: string };

export type MllpPeer = {
  port: number;
  received: Received[];
  /** Decides the ACK code per message (every message is recorded, whatever the answer); default AA. */
  answer: (r: Received) => 'AA' | 'AE' | 'AR' | 'none';
  close(): Promise<void>;
  waitFor(pred: (all: Received[]) => boolean, timeoutMs?: number): Promise<void>;
};

function field(segment: string, n: number): string {
  return segment.split('|')[n] ?? '';
}

export async function startMllpPeer(port = 0): Promise<MllpPeer> {
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  const peer: MllpPeer = {
    port: 0,
    received: [],
    answer: () => 'AA',
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    waitFor(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pred(peer.received)) {
            waiters.delete(check);
            clearTimeout(t);
            resolve();
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`peer: condition not met in ${timeoutMs} ms; received ${peer.received.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const start = buf.indexOf(0x0b);
        const end = buf.indexOf(Buffer.from([0x1c, 0x0d]), start + 1);
        if (start < 0 || end < 0) return;
        const text = buf.subarray(start + 1, end).toString('utf8');
        buf = buf.subarray(end + 2);
        const msh = text.split('\r')[0] ?? '';
        const r = { controlId: field(msh, 9), text };
        const code = peer.answer(r);
        peer.received.push({ ...r, answer: code });
        for (const w of [...waiters]) w();
        if (code === 'none') continue;
        const ack = `MSH|^~\\&|RIS|HOSP|${field(msh, 2)}|${field(msh, 3)}|20260101000000||ACK|A${r.controlId}|P|2.5.1\rMSA|${code}|${r.controlId}${code === 'AA' ? '' : '|refused by test'}\r`;
        socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(ack), Buffer.from([0x1c, 0x0d])]));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  peer.port = (server.address() as AddressInfo).port;
  return peer;
}

/** An ORM^O01 with the given control ID and patient. */
export function orm(controlId: string, patientId = 'P1', extra = ''): string {
  return [
    `MSH|^~\\&|RIS|HOSP|PACS|RAD|20261123120000||ORM^O01|${controlId}|P|2.3.1`,
    `PID|||${patientId}^^^HOSP^MR||DOE^JANE||19700101|F`,
    `ORC|NW|ORD-${controlId}|||SC`,
    `OBR|1|ORD-${controlId}||CT-HEAD^CT Head^L||||||||||||||ACC-${controlId}||||||CT${extra}`,
  ].join('\r') + '\r';
}

/** A free TCP port on 127.0.0.1 (for a peer that must start later on a known port). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * A minimal MLLP client written here with plain sockets: sends each message and waits for its
 * answer on one connection. Returns the answers (undefined where the connection broke).
 */
export async function mllpExchange(port: number, frames: (string | Buffer)[], host = '127.0.0.1'): Promise<(string | undefined)[]> {
  const { connect } = await import('node:net');
  const socket = connect(port, host);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  let pending: ((s: string | undefined) => void) | undefined;
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf(Buffer.from([0x1c, 0x0d]));
    if (end >= 0 && pending) {
      const text = buf.subarray(buf.indexOf(0x0b) + 1, end).toString('utf8');
      buf = buf.subarray(end + 2);
      const p = pending;
      pending = undefined;
      p(text);
    }
  });
  socket.on('close', () => pending?.(undefined));
  socket.on('error', () => undefined);
  const answers: (string | undefined)[] = [];
  for (const f of frames) {
    const payload = typeof f === 'string' ? Buffer.from(f) : f;
    const answer = new Promise<string | undefined>((resolve) => (pending = resolve));
    socket.write(Buffer.concat([Buffer.from([0x0b]), payload, Buffer.from([0x1c, 0x0d])]));
    answers.push(await answer);
  }
  socket.destroy();
  return answers;
}

export function msa(ack: string | undefined): string | undefined {
  return ack?.split('\r').find((s) => s.startsWith('MSA'))?.split('|')[1];
}

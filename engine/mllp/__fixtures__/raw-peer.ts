// A raw TCP peer for listener tests: writes whatever bytes a test gives it and records every byte
// it receives, so tests assert exactly what a sender on the wire observes.
import net from 'node:net';
import { once } from 'node:events';

export interface RawPeer {
  socket: net.Socket;
  received(): Buffer;
  // Resolves with everything received once at least `bytes` arrived, or when the socket closed.
  until(bytes: number): Promise<Buffer>;
  closed: Promise<void>;
  error(): NodeJS.ErrnoException | undefined;
}

export async function connectRaw(port: number, host = '127.0.0.1'): Promise<RawPeer> {
  const socket = net.connect({ port, host });
  socket.setNoDelay(true);
  let lastError: NodeJS.ErrnoException | undefined;
  socket.on('error', (err: NodeJS.ErrnoException) => {
    lastError = err; // resets are expected when the listener closes on us
  });
  const chunks: Buffer[] = [];
  let length = 0;
  let waiters: { bytes: number; resolve: () => void }[] = [];
  const wake = (all: boolean): void => {
    waiters = waiters.filter((w) => {
      if (all || length >= w.bytes) w.resolve();
      return !(all || length >= w.bytes);
    });
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    wake(false);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve())).then(() => wake(true)); // not once(): it rejects on 'error'
  await once(socket, 'connect');
  const received = (): Buffer => Buffer.concat(chunks);
  return {
    socket,
    received,
    until: async (bytes) => {
      if (length < bytes && !socket.destroyed) await new Promise<void>((resolve) => waiters.push({ bytes, resolve }));
      return received();
    },
    closed,
    error: () => lastError,
  };
}

// Writes a buffer and resolves once it was handed to the kernel (or failed: the peer may reset).
export function writeAll(socket: net.Socket, data: Buffer): Promise<void> {
  return new Promise<void>((resolve) => socket.write(data, () => resolve()));
}

// MLLP listener: accepts TCP (or TLS) connections on exactly one host and port, de-frames with
// MllpFrameDecoder and passes each frame's payload to the handler, one frame at a time per
// connection, writing the handler's answer back as one frame before reading the next frame's turn.
// Bytes only: no HL7 parsing and no charset decoding here. Nothing a peer sends can crash the
// process; payload content is logged at debug only (messages carry patient data).
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import { MLLP_DEFAULT_MAX_FRAME_BYTES, MllpFrameDecoder } from './mllp-frame-decoder.ts';
import { frameMllp } from './mllp-frame.ts';

export interface MllpListenerTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  // With requestCert, clients must present a certificate signed by ca (mutual TLS).
  ca?: string | Buffer;
  requestCert?: boolean;
}

export interface MllpConnectionMeta {
  connectionId: string;
  remoteAddress: string;
  remotePort: number;
  tls: boolean;
}

// Returns the unframed response payload (usually an ACK), or undefined to answer nothing.
// A throw or rejection closes that connection without an answer, so the sender resends.
export type MllpHandler = (payload: Buffer, meta: MllpConnectionMeta) => Promise<Buffer | undefined>;

export interface MllpListenerOptions {
  host: string;
  port: number; // 0 = any free port
  tls?: MllpListenerTlsOptions;
  maxFrameBytes?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
  log: Logger;
  handler: MllpHandler;
}

export interface MllpListener {
  port: number;
  connectionCount(): number;
  // Stops accepting, lets running handlers finish and their answers be written, closes every
  // connection; destroys what is still open after graceMs.
  stop(graceMs?: number): Promise<void>;
}

export const MLLP_DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;
export const MLLP_DEFAULT_STOP_GRACE_MS = 10_000;
// Frames read ahead of the handler on one connection before reading pauses (back-pressure).
const MAX_QUEUED_FRAMES = 100;

export function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  const maxFrameBytes = opts.maxFrameBytes ?? MLLP_DEFAULT_MAX_FRAME_BYTES;
  const idleTimeoutMs = opts.idleTimeoutMs ?? MLLP_DEFAULT_IDLE_TIMEOUT_MS;
  const log = opts.log.child({ component: 'mllp-listener' });
  const invalid = checkLimits({ maxFrameBytes, idleTimeoutMs, ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}) });
  if (invalid) return Promise.reject(invalid);
  const connections = new Set<MllpConnection>();
  const sockets = new Set<net.Socket>(); // every accepted TCP socket, TLS handshakes included
  let port = opts.port;
  let seq = 0;
  let stopping: Promise<void> | undefined;

  const onSocket = (socket: net.Socket): void => {
    const meta: MllpConnectionMeta = Object.freeze({
      connectionId: `${port}-${++seq}`,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      tls: opts.tls !== undefined,
    });
    const conn = new MllpConnection(socket, meta, { maxFrameBytes, idleTimeoutMs, handler: opts.handler, log: log.child({ ...meta }) });
    connections.add(conn);
    socket.once('close', () => connections.delete(conn));
    if (stopping) conn.shutdown();
  };

  // Plain TCP allows half-close: a peer may send its frames then FIN and still read the answers.
  // TLS does not: a half-open socket whose peer gave up during the handshake would linger.
  const server: net.Server = opts.tls
    ? tls.createServer({ ...opts.tls }, onSocket)
    : net.createServer({ allowHalfOpen: true }, onSocket);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    log.debug({ code: err.code, reason: err.message, remoteAddress: socket.remoteAddress }, 'TLS handshake failed');
  });
  server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) => {
    log.warn({ remoteAddress: data?.remoteAddress, maxConnections: opts.maxConnections }, 'connection refused: maxConnections reached');
  });
  if (opts.maxConnections !== undefined) server.maxConnections = opts.maxConnections;

  const listener: MllpListener = {
    get port() {
      return port;
    },
    connectionCount: () => connections.size,
    stop(graceMs = MLLP_DEFAULT_STOP_GRACE_MS) {
      stopping ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          log.warn({ open: sockets.size }, 'stop grace period over; destroying remaining connections');
          for (const c of connections) c.destroy();
          for (const s of sockets) s.destroy();
        }, graceMs);
        server.close(() => {
          // The server closes once its sockets are gone; wait for our own close handlers too.
          void Promise.all([...connections].map((c) => c.closed)).then(() => {
            clearTimeout(force);
            log.info({ host: opts.host, port }, 'MLLP listener stopped');
            resolve();
          });
        });
        for (const c of connections) c.shutdown();
      });
      return stopping;
    },
  };

  return new Promise<MllpListener>((resolve, reject) => {
    const onListenError = (err: Error): void => reject(err);
    server.once('error', onListenError);
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', onListenError);
      server.on('error', (err: NodeJS.ErrnoException) => log.error({ code: err.code, reason: err.message }, 'MLLP listener error'));
      port = (server.address() as AddressInfo).port;
      log.info({ host: opts.host, port, tls: opts.tls !== undefined, maxFrameBytes }, 'MLLP listener listening');
      resolve(listener);
    });
  });
}

// Limits must be positive integers that setTimeout accepts (a bad value is a configuration bug).
function checkLimits(limits: Record<string, number>): RangeError | undefined {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1 || (name.endsWith('Ms') && value > 2 ** 31 - 1)) {
      return new RangeError(`MLLP listener: ${name} must be a positive integer, got ${value}`);
    }
  }
  return undefined;
}

interface ConnectionConfig {
  maxFrameBytes: number;
  idleTimeoutMs: number;
  handler: MllpHandler;
  log: Logger;
}

// One accepted socket: decodes frames into a queue and runs the handler on them in order.
class MllpConnection {
  readonly #socket: net.Socket;
  readonly #meta: MllpConnectionMeta;
  readonly #config: ConnectionConfig;
  readonly #log: Logger;
  readonly #decoder: MllpFrameDecoder;
  readonly #idle: NodeJS.Timeout;
  readonly #queue: Buffer[] = [];
  #queuedBytes = 0;
  #handling = false; // a handler is running (not counting the write of its answer)
  #pumping = false;
  #reading = true; // false once the peer ended, sent an oversize frame, or stop() was called
  #closed = false;
  readonly closed: Promise<void>;

  constructor(socket: net.Socket, meta: MllpConnectionMeta, config: ConnectionConfig) {
    this.#socket = socket;
    this.#meta = meta;
    this.#config = config;
    this.#log = config.log;
    this.#decoder = new MllpFrameDecoder({ maxFrameBytes: config.maxFrameBytes });
    this.#idle = setTimeout(() => this.#onIdle(), config.idleTimeoutMs).unref();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.#log.debug({ code: err.code, reason: err.message }, 'socket error'));
    this.closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => {
      this.#closed = true;
      clearTimeout(this.#idle);
      this.#log.debug({}, 'connection closed');
    });
    this.#log.debug({}, 'connection opened');
  }

  // No new frames; the running handler (if any) finishes and its answer is written, then close.
  // Frames read but not started are dropped: they were not acknowledged, so the sender resends.
  shutdown(): void {
    if (this.#queue.length > 0) this.#log.debug({ dropped: this.#queue.length }, 'stopping: queued frames dropped unanswered');
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#stopReading();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#idle.refresh();
    if (!this.#reading) return; // draining what the peer still sends, so closing sends FIN, not RST
    for (const event of this.#decoder.push(chunk)) {
      if (event.type === 'frame') {
        this.#queue.push(event.payload);
        this.#queuedBytes += event.payload.length;
      } else if (event.type === 'garbage') {
        this.#log.debug({ bytes: event.bytes }, 'bytes outside an MLLP frame ignored');
      } else {
        this.#log.warn({ bytes: event.bytes, maxFrameBytes: this.#config.maxFrameBytes }, 'MLLP frame larger than maxFrameBytes; closing the connection');
        this.#stopReading(); // frames before it are still answered
        break;
      }
    }
    if (this.#reading && (this.#queue.length >= MAX_QUEUED_FRAMES || this.#queuedBytes > this.#config.maxFrameBytes)) this.#socket.pause();
    this.#pump();
  }

  #onEnd(): void {
    for (const event of this.#decoder.end()) {
      if (event.type === 'garbage') this.#log.debug({ bytes: event.bytes }, 'peer ended inside an unfinished frame');
    }
    this.#stopReading();
  }

  #stopReading(): void {
    this.#reading = false;
    this.#socket.resume();
    this.#pump();
  }

  #onIdle(): void {
    if (this.#closed) return;
    if (this.#handling) {
      this.#idle.refresh();
      return;
    }
    this.#log.debug({ idleTimeoutMs: this.#config.idleTimeoutMs }, 'idle connection closed');
    this.#reading = false;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    if (this.#socket.writableLength > 0) this.#socket.destroy(); // the peer is not reading our answers
    else this.#closeGracefully();
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#drain().catch((bug: unknown) => {
      this.#log.error({ reason: bug instanceof Error ? bug.message : String(bug) }, 'MLLP connection failed; closing it');
      this.#socket.destroy();
    });
  }

  async #drain(): Promise<void> {
    try {
      for (let payload = this.#queue.shift(); payload !== undefined && !this.#closed; payload = this.#queue.shift()) {
        this.#queuedBytes -= payload.length;
        if (this.#socket.isPaused() && this.#reading && this.#queue.length < MAX_QUEUED_FRAMES / 2 && this.#queuedBytes <= this.#config.maxFrameBytes) this.#socket.resume();
        const response = await this.#handle(payload);
        if (response === 'failed') return;
        if (this.#closed) {
          this.#log.info({ frameBytes: payload.length }, 'connection closed before the answer could be written');
          return;
        }
        if (response !== undefined) await this.#write(frameMllp(response));
      }
    } finally {
      this.#pumping = false; // synchronously with the last queue check: no frame can slip in between
    }
    if (!this.#reading) this.#closeGracefully();
  }

  async #handle(payload: Buffer): Promise<Buffer | undefined | 'failed'> {
    this.#handling = true;
    try {
      const response: unknown = await this.#config.handler(payload, this.#meta);
      if (response === undefined || Buffer.isBuffer(response)) return response;
      if (response instanceof Uint8Array) return Buffer.from(response.buffer, response.byteOffset, response.byteLength);
      throw new TypeError(`MLLP handler returned ${typeof response}, expected a Buffer or undefined`);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.#log.error(
        { errName: e.name, errCode: (e as NodeJS.ErrnoException).code, frameBytes: payload.length },
        'MLLP handler failed; closing the connection unanswered so the sender resends',
      );
      this.#log.debug({ err: e.stack ?? e.message }, 'MLLP handler failure details');
      this.#socket.destroy();
      return 'failed';
    } finally {
      this.#handling = false;
      this.#idle.refresh();
    }
  }

  // Resolves once the frame is handed to the kernel, or the socket went away.
  #write(frame: Buffer): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#socket.off('close', done);
        this.#idle.refresh();
        resolve();
      };
      this.#socket.once('close', done);
      this.#socket.write(frame, done);
    });
  }

  // Sends FIN after everything written; the socket is destroyed once that is flushed, so a peer
  // that keeps its side open cannot hold the connection.
  #closeGracefully(): void {
    if (this.#closed || this.#socket.writableEnded) return;
    this.#socket.end(() => this.#socket.destroy());
  }
}

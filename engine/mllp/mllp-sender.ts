// MLLP sender: one connection to a receiver, opened on first use, kept open and reused, opened
// again after any failure. One message at a time (IHE RAD original mode: send, wait for the answer
// on the same connection); concurrent send() calls wait their turn in call order. Network trouble
// is returned as a Result, never thrown. Bytes only: no HL7 parsing here.
//
// After a timeout, an oversize answer, an unsolicited frame or a closed connection, the connection
// is destroyed rather than reused: its byte stream may be out of step with our requests. send() does
// not resend by itself; a message may have reached the receiver even when no answer came back.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../logger.ts';
import { fail, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { MLLP_DEFAULT_MAX_FRAME_BYTES, MllpFrameDecoder } from './mllp-frame-decoder.ts';
import { frameMllp } from './mllp-frame.ts';

export const MLLP_SEND_ERROR_CODES = ['MLLP_CONNECT_FAILED', 'MLLP_TIMEOUT', 'MLLP_CLOSED', 'MLLP_RESPONSE_TOO_LARGE'] as const;
export type MllpSendErrorCode = (typeof MLLP_SEND_ERROR_CODES)[number];
export interface MllpSendError {
  code: MllpSendErrorCode;
  message: string;
}

export interface MllpSenderTlsOptions {
  ca?: string | Buffer;
  rejectUnauthorized?: boolean; // default true
  servername?: string;
}

export interface MllpSenderOptions {
  host: string;
  port: number;
  tls?: MllpSenderTlsOptions;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  maxFrameBytes?: number; // largest answer accepted
  log: Logger;
}

export const MLLP_DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const MLLP_DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 2_000;

type SendResult = Result<Buffer, MllpSendError>;

export class MllpSender {
  readonly #host: string;
  readonly #port: number;
  readonly #peer: string;
  readonly #tls: MllpSenderTlsOptions | undefined;
  readonly #connectTimeoutMs: number;
  readonly #responseTimeoutMs: number;
  readonly #maxFrameBytes: number;
  readonly #log: Logger;
  #tail: Promise<unknown> = Promise.resolve();
  #connection: SenderConnection | undefined;
  #closed = false;

  constructor(opts: MllpSenderOptions) {
    this.#host = opts.host;
    this.#port = opts.port;
    this.#peer = `${opts.host}:${opts.port}`;
    this.#tls = opts.tls;
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? MLLP_DEFAULT_CONNECT_TIMEOUT_MS;
    this.#responseTimeoutMs = opts.responseTimeoutMs ?? MLLP_DEFAULT_RESPONSE_TIMEOUT_MS;
    this.#maxFrameBytes = opts.maxFrameBytes ?? MLLP_DEFAULT_MAX_FRAME_BYTES;
    this.#log = opts.log.child({ component: 'mllp-sender', peer: this.#peer });
    const limits = { connectTimeoutMs: this.#connectTimeoutMs, responseTimeoutMs: this.#responseTimeoutMs, maxFrameBytes: this.#maxFrameBytes };
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isSafeInteger(value) || value < 1 || (name.endsWith('Ms') && value > 2 ** 31 - 1)) {
        throw new RangeError(`MllpSender: ${name} must be a positive integer, got ${value}`);
      }
    }
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new RangeError(`MllpSender: port must be 1-65535, got ${opts.port}`);
  }

  // Sends one unframed payload and resolves with the payload of the answer frame.
  send(payload: Buffer): Promise<SendResult> {
    const run = this.#tail.then(() => this.#sendNow(payload));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  // The send in progress finishes; sends queued behind it get MLLP_CLOSED; then the connection closes.
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
  }

  async #sendNow(payload: Buffer): Promise<SendResult> {
    if (this.#closed) return fail({ code: 'MLLP_CLOSED', message: `the MLLP sender to ${this.#peer} is closed` });
    let connection = this.#connection;
    if (!connection?.usable) {
      const opened = await this.#connect();
      if (!opened.ok) return opened;
      connection = this.#connection = opened.value;
    }
    return connection.exchange(frameMllp(payload), this.#responseTimeoutMs);
  }

  #connect(): Promise<Result<SenderConnection, MllpSendError>> {
    return new Promise((resolve) => {
      const t = this.#tls;
      const socket = t
        ? tls.connect({ host: this.#host, port: this.#port, ca: t.ca, rejectUnauthorized: t.rejectUnauthorized ?? true, ...(t.servername ? { servername: t.servername } : {}) })
        : net.connect({ host: this.#host, port: this.#port });
      const connectedEvent = t ? 'secureConnect' : 'connect';
      const settle = (result: Result<SenderConnection, MllpSendError>): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off(connectedEvent, onConnected);
        resolve(result);
      };
      const failed = (reason: string): void => {
        socket.on('error', () => undefined); // errors after we gave up must not go unhandled
        socket.destroy();
        this.#log.debug({ reason }, 'MLLP connect failed');
        settle(fail({ code: 'MLLP_CONNECT_FAILED', message: `could not connect to ${this.#peer}: ${reason}` }));
      };
      const onError = (err: NodeJS.ErrnoException): void => failed(err.code ?? err.message);
      const onConnected = (): void => {
        this.#log.debug({ tls: t !== undefined }, 'MLLP connected');
        settle(ok(new SenderConnection(socket, this.#peer, this.#maxFrameBytes, this.#log)));
      };
      const timer = setTimeout(() => failed(`no connection within ${this.#connectTimeoutMs} ms`), this.#connectTimeoutMs);
      socket.once('error', onError);
      socket.once(connectedEvent, onConnected);
    });
  }
}

type Waiter = (result: SendResult) => void;

// One open socket and the answer it is waiting for, if any.
class SenderConnection {
  readonly #socket: net.Socket;
  readonly #peer: string;
  readonly #log: Logger;
  readonly #decoder: MllpFrameDecoder;
  readonly #maxFrameBytes: number;
  #waiter: Waiter | undefined;
  #lastError: string | undefined;
  #ended = false;

  constructor(socket: net.Socket, peer: string, maxFrameBytes: number, log: Logger) {
    this.#socket = socket;
    this.#peer = peer;
    this.#log = log;
    this.#maxFrameBytes = maxFrameBytes;
    this.#decoder = new MllpFrameDecoder({ maxFrameBytes });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.unref(); // an idle kept-open connection does not hold the process open
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.#lastError = err.code ?? err.message;
      this.#log.debug({ code: err.code, reason: err.message }, 'MLLP socket error');
    });
    socket.on('end', () => this.#lost());
    socket.on('close', () => this.#lost());
  }

  get usable(): boolean {
    return !this.#ended && !this.#socket.destroyed;
  }

  exchange(frame: Buffer, timeoutMs: number): Promise<SendResult> {
    return new Promise<SendResult>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        this.#log.debug({ timeoutMs }, 'no MLLP answer in time; dropping the connection');
        this.#kill();
        resolve(fail({ code: 'MLLP_TIMEOUT', message: `no answer from ${this.#peer} within ${timeoutMs} ms` }));
      }, timeoutMs);
      this.#waiter = (result) => {
        clearTimeout(timer);
        this.#waiter = undefined;
        this.#socket.unref();
        resolve(result);
      };
      this.#socket.ref();
      this.#socket.write(frame); // a failed write shows up as 'error' then 'close'
    });
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#socket.destroyed) return resolve();
      this.#ended = true;
      const force = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
      this.#socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      this.#socket.end();
    });
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#decoder.push(chunk)) {
      if (event.type === 'garbage') {
        this.#log.debug({ bytes: event.bytes }, 'bytes outside an MLLP frame ignored');
      } else if (event.type === 'oversize') {
        this.#log.debug({ bytes: event.bytes }, 'MLLP answer larger than maxFrameBytes; dropping the connection');
        this.#waiter?.(fail({ code: 'MLLP_RESPONSE_TOO_LARGE', message: `the answer from ${this.#peer} is larger than maxFrameBytes (${this.#maxFrameBytes} bytes)` }));
        this.#kill();
        return;
      } else if (this.#waiter) {
        this.#waiter(ok(event.payload));
      } else {
        this.#log.warn({ bytes: event.payload.length }, 'unsolicited MLLP frame from the receiver; dropping the connection');
        this.#kill();
        return;
      }
    }
  }

  #lost(): void {
    this.#ended = true;
    const reason = this.#lastError ? ` (${this.#lastError})` : '';
    this.#waiter?.(fail({ code: 'MLLP_CLOSED', message: `${this.#peer} closed the connection before answering${reason}` }));
  }

  #kill(): void {
    this.#ended = true;
    this.#socket.destroy();
  }
}

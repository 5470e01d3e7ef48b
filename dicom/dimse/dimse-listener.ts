// The DICOM DIMSE listener: one TCP server bound to the configured host and port (dcmjs-dimse's
// own Server binds every interface and cannot report port 0's real port), Nagle off, each
// connection served as an association by dicom-scp.ts. start() resolves once listening and
// rejects if the bind fails; stop() stops accepting, lets requests in flight finish (up to a
// deadline), then closes the remaining associations.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from '../../engine/index.ts';
import { configureDimseLibrary, serveAssociation } from './dicom-scp.ts';
import type { LibraryOptions } from './dicom-scp.ts';
import type { DimseService } from './dimse-service.ts';

export type DicomListenerOptions = {
  host: string;
  port: number;
  aeTitle: string;
  services: readonly DimseService[];
  log: Logger;
  /** Largest PDU we receive (default 256 KiB). */
  maxPduLength?: number;
  /** Time allowed between connecting and the association request (default 30 s). */
  associationTimeoutMs?: number;
  /** An association idle this long is aborted (default 5 min). */
  idleTimeoutMs?: number;
  /** Refuse associations calling another AE title than ours (default true). */
  strictCalledAe?: boolean;
  /** How long stop() waits for requests in flight (default 10 s). */
  stopGraceMs?: number;
};

export type BoundAddress = { host: string; port: number };

export class DicomListener {
  private readonly o: DicomListenerOptions;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextAssociation = 1;
  private bound: BoundAddress | undefined;

  constructor(o: DicomListenerOptions) {
    this.o = o;
  }

  get address(): BoundAddress | undefined {
    return this.bound;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get associations(): number {
    return this.sockets.size;
  }

  async start(): Promise<BoundAddress> {
    const maxPduLength = this.o.maxPduLength ?? 256 * 1024;
    configureDimseLibrary({ maxPduLength, log: this.o.log });
    const library: LibraryOptions = {
      maxPduLength,
      associationTimeoutMs: this.o.associationTimeoutMs ?? 30_000,
      pduTimeoutMs: this.o.idleTimeoutMs ?? 300_000,
    };
    const server = createServer({ noDelay: true }, (socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined); // reported through the association's networkError
      serveAssociation(socket, {
        aeTitle: this.o.aeTitle,
        strictCalledAe: this.o.strictCalledAe ?? true,
        services: this.o.services,
        log: this.o.log,
        associationId: this.nextAssociation++,
        library,
        track: (work) => {
          this.inFlight.add(work);
          void work.finally(() => this.inFlight.delete(work));
        },
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.o.log.error({ err }, 'DICOM listener error'));
    this.server = server;
    const addr = server.address() as AddressInfo;
    this.bound = { host: addr.address, port: addr.port };
    this.o.log.info({ host: addr.address, port: addr.port, aeTitle: this.o.aeTitle }, 'DICOM listener started');
    return this.bound;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.o.stopGraceMs ?? 10_000).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

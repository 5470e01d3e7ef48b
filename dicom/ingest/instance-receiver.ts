// Collects one C-STORE data set as it arrives in P-DATA fragments. Small and ordinary objects stay
// in memory as the chunks that came off the network (never concatenated) and are written to the
// tier in one go at the end; an object larger than `spillBytes` is streamed to a staged file as it
// arrives, so memory stays bounded whatever the modality sends.
import type { DicomError } from '../dicom-error.ts';
import type { BlobStore, StagedBlob } from '../storage/blob-store.ts';

export type ReceiverOptions = {
  store: BlobStore;
  /** The Part 10 preamble and file meta information written in front of the data set. */
  header: Buffer;
  spillBytes: number;
  maxBytes: number;
};

/** What was received: the data set's chunks in memory, or a staged file holding header + data set. */
export type ReceivedObject =
  | { kind: 'memory'; header: Buffer; chunks: Buffer[]; size: number }
  | { kind: 'staged'; header: Buffer; staged: StagedBlob; size: number };

const FLUSH_BYTES = 4 << 20;

export class InstanceReceiver {
  private readonly o: ReceiverOptions;
  private chunks: Buffer[] = [];
  private pendingBytes = 0;
  private size = 0;
  private staged: StagedBlob | undefined;
  private spilling = false;
  private writing: Promise<void> = Promise.resolve();
  private error: DicomError | undefined;
  private ended = false;
  private aborted = false;
  private settle!: (r: { ok: true; value: ReceivedObject } | { ok: false; error: DicomError }) => void;
  /** Settles when the data set is complete (or failed). */
  readonly done: Promise<{ ok: true; value: ReceivedObject } | { ok: false; error: DicomError }>;

  constructor(o: ReceiverOptions) {
    this.o = o;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  write(chunk: Buffer): void {
    if (this.ended || this.error) return;
    this.size += chunk.length;
    if (this.size > this.o.maxBytes) {
      this.fail({ code: 'DICOM_TOO_LARGE', message: `the object is larger than ${this.o.maxBytes} bytes` });
      return;
    }
    this.chunks.push(chunk);
    this.pendingBytes += chunk.length;
    if (!this.spilling && this.size > this.o.spillBytes) {
      this.spilling = true;
      this.flush(true);
    } else if (this.spilling && this.pendingBytes >= FLUSH_BYTES) {
      this.flush(false);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.error) return;
    if (!this.spilling) {
      this.settle({ ok: true, value: { kind: 'memory', header: this.o.header, chunks: this.chunks, size: this.size } });
      return;
    }
    this.flush(false);
    this.writing.then(
      () => this.settle({ ok: true, value: { kind: 'staged', header: this.o.header, staged: this.staged!, size: this.size } }),
      () => undefined, // fail() has settled already
    );
  }

  /** The association went away mid-transfer: drop everything (no effect once the data set is complete). */
  abort(): void {
    if (this.aborted || this.ended) return;
    this.aborted = true;
    this.fail({ code: 'DICOM_TRUNCATED', message: 'the association ended before the data set was complete' });
  }

  private flush(first: boolean): void {
    const batch = first ? [this.o.header, ...this.chunks] : this.chunks;
    this.chunks = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(async () => {
      if (this.error) return;
      try {
        if (!this.staged) this.staged = await this.o.store.stage();
        await this.staged.write(batch);
      } catch (err) {
        this.fail({ code: 'DICOM_STORAGE_FAILED', message: `cannot write to the storage tier: ${(err as Error).message}` });
        throw err;
      }
    });
    this.writing.catch(() => undefined);
  }

  private fail(error: DicomError): void {
    if (this.error) return;
    this.error = error;
    this.chunks = [];
    this.settle({ ok: false, error });
    void this.writing.finally(() => this.staged?.discard());
  }
}

// Byte-level MLLP de-framing that never loses or merges frames, whatever the TCP chunking.
//
// Rules (every byte pushed is reported exactly once, as part of one event):
// - `frame`: VT, payload, FS CR. The payload is a fresh copy (no VT, FS or CR framing bytes).
// - `garbage`: bytes that are not part of a well-formed frame, reported when their run ends:
//   - bytes outside a frame (before a VT, between frames, e.g. a stray LF after FS CR);
//   - a frame cut short by a VT before its end: VT plus the bytes read so far (the new VT
//     starts a new frame);
//   - FS followed by anything but CR: the frame is malformed (standards-mappings 7.1 sketch,
//     "malformed: resync"). VT, payload and FS are dropped as garbage and the byte after FS is
//     read again outside a frame, so a VT there starts the next frame.
// - `oversize`: a frame payload or a garbage run longer than maxFrameBytes. Reported as soon as
//   the limit is crossed (bytes = what was read of that run so far, VT included) so the caller can
//   close the connection without waiting; everything up to the next VT is then dropped and
//   reported as one `garbage` event when that VT arrives (or at end()).
// Events depend only on the byte stream, not on how it was split into chunks.
// Memory: at most maxFrameBytes of payload is held, as references to the pushed chunks (do not
// modify a chunk after pushing it); bytes are scanned once, and only joined when a frame ends.
import { CR, FS, VT } from './mllp-frame.ts';

// Default limit of the listener and the sender: 16 MiB, room for reports with embedded PDFs.
export const MLLP_DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type MllpDecodeEvent =
  | { type: 'frame'; payload: Buffer }
  | { type: 'garbage'; bytes: number }
  | { type: 'oversize'; bytes: number };

export interface MllpFrameDecoderOptions {
  maxFrameBytes: number;
}

type DecoderState = 'outside' | 'frame' | 'discard';

export class MllpFrameDecoder {
  readonly #maxFrameBytes: number;
  #state: DecoderState = 'outside';
  // In a frame: the payload read so far, and whether its last byte was FS (end pending on CR).
  #parts: Buffer[] = [];
  #frameBytes = 0;
  #afterFs = false;
  // Outside a frame or discarding: length of the current run of unframed bytes.
  #runBytes = 0;

  constructor(opts: MllpFrameDecoderOptions) {
    if (!Number.isSafeInteger(opts.maxFrameBytes) || opts.maxFrameBytes < 1) {
      throw new RangeError(`maxFrameBytes must be a positive integer, got ${opts.maxFrameBytes}`);
    }
    this.#maxFrameBytes = opts.maxFrameBytes;
  }

  // Payload bytes held for the frame being read (never more than maxFrameBytes).
  get bufferedBytes(): number {
    return this.#frameBytes;
  }

  push(chunk: Buffer): MllpDecodeEvent[] {
    const events: MllpDecodeEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'outside') i = this.#readOutside(chunk, i, events);
      else if (this.#state === 'discard') i = this.#readDiscard(chunk, i, events);
      else i = this.#readFrame(chunk, i, events);
    }
    return events;
  }

  // The stream ended: reports an unfinished frame or run as garbage and starts afresh.
  end(): MllpDecodeEvent[] {
    const left = this.#state === 'frame' ? 1 + this.#frameBytes + (this.#afterFs ? 1 : 0) : this.#runBytes;
    this.#state = 'outside';
    this.#runBytes = 0;
    this.#resetFrame();
    return left > 0 ? [{ type: 'garbage', bytes: left }] : [];
  }

  #readOutside(chunk: Buffer, i: number, events: MllpDecodeEvent[]): number {
    const vt = chunk.indexOf(VT, i);
    const stop = vt < 0 ? chunk.length : vt;
    if (this.#runBytes + (stop - i) > this.#maxFrameBytes) {
      const through = i + (this.#maxFrameBytes - this.#runBytes) + 1; // just past the first byte over
      events.push({ type: 'oversize', bytes: this.#maxFrameBytes + 1 });
      this.#state = 'discard';
      this.#runBytes = 0;
      return through;
    }
    this.#runBytes += stop - i;
    if (vt < 0) return chunk.length;
    this.#flushRun(events);
    this.#state = 'frame';
    return vt + 1;
  }

  #readDiscard(chunk: Buffer, i: number, events: MllpDecodeEvent[]): number {
    const vt = chunk.indexOf(VT, i);
    if (vt < 0) {
      this.#runBytes += chunk.length - i;
      return chunk.length;
    }
    this.#runBytes += vt - i;
    this.#flushRun(events);
    this.#state = 'frame';
    return vt + 1;
  }

  #readFrame(chunk: Buffer, i: number, events: MllpDecodeEvent[]): number {
    if (this.#afterFs) {
      this.#afterFs = false;
      if (chunk[i] === CR) {
        events.push({ type: 'frame', payload: Buffer.concat(this.#parts, this.#frameBytes) });
        this.#resetFrame();
        this.#state = 'outside';
        return i + 1;
      }
      events.push({ type: 'garbage', bytes: this.#frameBytes + 2 }); // VT, payload, FS
      this.#resetFrame();
      this.#state = 'outside';
      return i; // read this byte again outside a frame
    }
    const fs = chunk.indexOf(FS, i);
    const stop = fs < 0 ? chunk.length : fs;
    const vtAt = chunk.subarray(i, stop).indexOf(VT);
    const dataEnd = vtAt < 0 ? stop : i + vtAt;
    if (this.#frameBytes + (dataEnd - i) > this.#maxFrameBytes) {
      const over = this.#maxFrameBytes - this.#frameBytes + 1;
      events.push({ type: 'oversize', bytes: this.#maxFrameBytes + 2 }); // VT and one byte too many
      this.#resetFrame();
      this.#state = 'discard';
      this.#runBytes = 0;
      return i + over;
    }
    if (dataEnd > i) {
      this.#parts.push(chunk.subarray(i, dataEnd));
      this.#frameBytes += dataEnd - i;
    }
    if (vtAt >= 0) {
      events.push({ type: 'garbage', bytes: this.#frameBytes + 1 }); // VT and the cut-off payload
      this.#resetFrame();
      return dataEnd + 1; // still in a frame: the one this VT starts
    }
    if (fs >= 0) {
      this.#afterFs = true;
      return fs + 1;
    }
    return chunk.length;
  }

  #flushRun(events: MllpDecodeEvent[]): void {
    if (this.#runBytes > 0) events.push({ type: 'garbage', bytes: this.#runBytes });
    this.#runBytes = 0;
  }

  #resetFrame(): void {
    this.#parts = [];
    this.#frameBytes = 0;
    this.#afterFs = false;
  }
}

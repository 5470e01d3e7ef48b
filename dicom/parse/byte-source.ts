// Random access to a received object's bytes, whether they are still in memory (the usual case:
// the chunks as they came off the network, never concatenated) or were spilled to a file.
import { readSync } from 'node:fs';

export interface ByteSource {
  readonly length: number;
  /** Up to `length` bytes from `offset` (fewer at the end). May share memory with the source. */
  read(offset: number, length: number): Buffer;
}

export class ChunkSource implements ByteSource {
  readonly length: number;
  private readonly chunks: readonly Buffer[];
  private readonly starts: number[] = [];

  constructor(chunks: readonly Buffer[]) {
    this.chunks = chunks;
    let at = 0;
    for (const c of chunks) {
      this.starts.push(at);
      at += c.length;
    }
    this.length = at;
  }

  read(offset: number, length: number): Buffer {
    const end = Math.min(offset + length, this.length);
    if (offset >= end) return Buffer.alloc(0);
    let i = this.chunkAt(offset);
    const first = this.chunks[i]!;
    const inFirst = offset - this.starts[i]!;
    if (inFirst + (end - offset) <= first.length) return first.subarray(inFirst, inFirst + (end - offset));
    const out = Buffer.allocUnsafe(end - offset);
    let written = 0;
    let pos = offset;
    while (pos < end) {
      const c = this.chunks[i]!;
      const from = pos - this.starts[i]!;
      const n = Math.min(c.length - from, end - pos);
      c.copy(out, written, from, from + n);
      written += n;
      pos += n;
      i++;
    }
    return out;
  }

  private chunkAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Bytes of an open file from `base` on (the data set after a Part 10 header). */
export class FileSource implements ByteSource {
  readonly length: number;
  private readonly fd: number;
  private readonly base: number;

  constructor(fd: number, base: number, length: number) {
    this.fd = fd;
    this.base = base;
    this.length = length;
  }

  read(offset: number, length: number): Buffer {
    const n = Math.max(0, Math.min(length, this.length - offset));
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, out, got, n - got, this.base + offset + got);
      if (r === 0) break;
      got += r;
    }
    return got === n ? out : out.subarray(0, got);
  }
}

export function bufferSource(buf: Buffer): ByteSource {
  return new ChunkSource([buf]);
}

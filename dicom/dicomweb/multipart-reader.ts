// A streaming reader of multipart/related bodies (RFC 2046 5.1.1): bytes go in as they arrive,
// events come out (a part begins with its headers, data for the current part, the part ends).
// Parts are never collected here, so a STOW-RS upload of any size passes through in bounded memory.
import type { Result } from '../../engine/index.ts';
import type { DicomwebError } from './dicomweb-error.ts';

export type MultipartEvent =
  | { kind: 'part'; headers: Record<string, string> }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end-part' };

const MAX_HEADER_BYTES = 16 * 1024;

type State = 'preamble' | 'after-boundary' | 'headers' | 'body' | 'done';

const bad = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_BODY_INVALID', message } });

export class MultipartReader {
  private readonly delimiter: Buffer;
  private buf: Buffer = Buffer.alloc(0);
  private state: State = 'preamble';
  private failed: DicomwebError | undefined;
  private atStart = true;

  constructor(boundary: string) {
    // The delimiter of every boundary but the first is preceded by CRLF, which belongs to it.
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  /** Feeds bytes; returns the events they complete, or the syntax error found. */
  push(chunk: Buffer): Result<MultipartEvent[], DicomwebError> {
    if (this.failed) return { ok: false, error: this.failed };
    if (this.state === 'done') return { ok: true, value: [] }; // the epilogue is ignored
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const events: MultipartEvent[] = [];
    for (;;) {
      const step = this.step(events);
      if (!step.ok) {
        this.failed = step.error;
        return step;
      }
      if (!step.value) break;
    }
    return { ok: true, value: events };
  }

  /** The body ended: fails unless the close delimiter was seen. */
  end(): Result<void, DicomwebError> {
    if (this.failed) return { ok: false, error: this.failed };
    if (this.state !== 'done') return bad('the multipart body ends before its closing boundary');
    return { ok: true, value: undefined };
  }

  /** One state transition; false when more bytes are needed. */
  private step(events: MultipartEvent[]): Result<boolean, DicomwebError> {
    switch (this.state) {
      case 'preamble': {
        // The first delimiter may start the body without the leading CRLF.
        if (this.atStart) {
          const bare = this.delimiter.subarray(2);
          const n = Math.min(bare.length, this.buf.length);
          if (this.buf.subarray(0, n).equals(bare.subarray(0, n))) {
            if (n < bare.length) return { ok: true, value: false };
            this.buf = this.buf.subarray(bare.length);
            this.state = 'after-boundary';
            return { ok: true, value: true };
          }
          this.atStart = false;
        }
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          // Keep what could be the start of a delimiter.
          if (this.buf.length > this.delimiter.length) this.buf = this.buf.subarray(this.buf.length - this.delimiter.length);
          return { ok: true, value: false };
        }
        this.buf = this.buf.subarray(at + this.delimiter.length);
        this.state = 'after-boundary';
        return { ok: true, value: true };
      }
      case 'after-boundary': {
        if (this.buf.length < 2) return { ok: true, value: false };
        if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
          this.state = 'done';
          this.buf = Buffer.alloc(0);
          return { ok: true, value: false };
        }
        // Transport padding (spaces, tabs) may follow a delimiter, then CRLF.
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return this.buf.length > 1024 ? bad('no line end after a multipart boundary') : { ok: true, value: false };
        if (this.buf.subarray(0, eol).toString('latin1').trim() !== '') return bad('unexpected text after a multipart boundary');
        this.buf = this.buf.subarray(eol + 2);
        this.state = 'headers';
        return { ok: true, value: true };
      }
      case 'headers': {
        let end = this.buf.indexOf('\r\n\r\n');
        let headerText: string;
        if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
          headerText = ''; // a part without headers
          end = -2;
        } else {
          if (end < 0) return this.buf.length > MAX_HEADER_BYTES ? bad('the headers of a part are too long') : { ok: true, value: false };
          headerText = this.buf.subarray(0, end).toString('latin1');
        }
        const headers: Record<string, string> = {};
        for (const line of headerText.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon <= 0) continue;
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        events.push({ kind: 'part', headers });
        this.buf = this.buf.subarray(end + 4);
        this.state = 'body';
        return { ok: true, value: true };
      }
      case 'body': {
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          // Everything but a possible partial delimiter at the end is part data.
          const keep = this.delimiter.length - 1;
          if (this.buf.length > keep) {
            events.push({ kind: 'data', chunk: this.buf.subarray(0, this.buf.length - keep) });
            this.buf = this.buf.subarray(this.buf.length - keep);
          }
          return { ok: true, value: false };
        }
        if (at > 0) events.push({ kind: 'data', chunk: this.buf.subarray(0, at) });
        events.push({ kind: 'end-part' });
        this.buf = this.buf.subarray(at + this.delimiter.length);
        this.state = 'after-boundary';
        return { ok: true, value: true };
      }
      case 'done':
        return { ok: true, value: false };
    }
  }
}

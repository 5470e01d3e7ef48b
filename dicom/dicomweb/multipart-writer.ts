// multipart/related bodies (RFC 2387) as PS3.18 8.7.1 uses them: a boundary, each part's headers,
// then the closing delimiter. The caller writes each part's bytes between head() and the next
// head() or end(), so a whole study streams without being held in memory.
import { randomBytes } from 'node:crypto';

export class MultipartWriter {
  readonly boundary: string;
  private parts = 0;

  constructor(boundary = `pacs-${randomBytes(12).toString('hex')}`) {
    this.boundary = boundary;
  }

  /** The Content-Type of the whole body. */
  contentType(partType: string, transferSyntax?: string): string {
    return `multipart/related; type="${partType}"; boundary=${this.boundary}${transferSyntax ? `; transfer-syntax=${transferSyntax}` : ''}`;
  }

  /** The delimiter and headers in front of the next part (the CRLF ending the previous part included). */
  head(contentType: string, headers: Record<string, string> = {}): Buffer {
    const lines = [`--${this.boundary}`, `Content-Type: ${contentType}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    const text = `${this.parts++ ? '\r\n' : ''}${lines.join('\r\n')}\r\n\r\n`;
    return Buffer.from(text, 'latin1');
  }

  /** The close delimiter. */
  end(): Buffer {
    return Buffer.from(`${this.parts ? '\r\n' : ''}--${this.boundary}--\r\n`, 'latin1');
  }
}

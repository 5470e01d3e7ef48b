// ISO-2022-JP as Japanese HL7 senders use it (MSH-18 `~ISO IR87`, MSH-20 `ISO 2022-1994`):
// ASCII with escape sequences into JIS X 0208 (ISO IR87), JIS X 0212 (ISO IR159) and JIS X 0201
// katakana (ISO IR14/IR13). iconv-lite has no ISO-2022-JP codec, so this maps the bytes to and
// from EUC-JP, which iconv-lite has and which holds the same character sets.
import iconv from 'iconv-lite';

const ESC = 0x1b;
type Mode = 'ascii' | 'kana' | 'jis0208' | 'jis0212';

const DESIGNATIONS: [number[], Mode][] = [
  [[0x28, 0x42], 'ascii'], // ESC ( B  ASCII
  [[0x28, 0x4a], 'ascii'], // ESC ( J  JIS X 0201 Roman, read as ASCII (senders use it to return to single bytes before delimiters)
  [[0x28, 0x49], 'kana'], // ESC ( I  JIS X 0201 katakana
  [[0x24, 0x40], 'jis0208'], // ESC $ @  JIS C 6226-1978
  [[0x24, 0x42], 'jis0208'], // ESC $ B  JIS X 0208
  [[0x24, 0x28, 0x42], 'jis0208'], // ESC $ ( B
  [[0x24, 0x28, 0x44], 'jis0212'], // ESC $ ( D  JIS X 0212
  [[0x29, 0x49], 'ascii'], // ESC ) I  katakana into G1 (DICOM ISO 2022 IR 13 style): bytes A1-DF are katakana in any single-byte mode
];

export function decodeIso2022Jp(bytes: Uint8Array): string {
  const euc: number[] = [];
  let mode: Mode = 'ascii';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === ESC) {
      const found = DESIGNATIONS.find(([seq]) => seq.every((s, k) => bytes[i + 1 + k] === s));
      if (found) {
        mode = found[1];
        i += 1 + found[0].length;
        continue;
      }
    }
    if (b >= 0xa1 && b <= 0xdf && (mode === 'ascii' || mode === 'kana')) {
      euc.push(0x8e, b); // 8-bit katakana (ISO IR13 in G1)
      i += 1;
    } else if (b < 0x21 || b > 0x7e || mode === 'ascii') {
      euc.push(b); // controls (CR, LF), space and ASCII
      i += 1;
    } else if (mode === 'kana') {
      euc.push(0x8e, b | 0x80);
      i += 1;
    } else {
      const b2 = bytes[i + 1];
      if (b2 === undefined || b2 < 0x21 || b2 > 0x7e) {
        euc.push(0x3f); // half a character: '?'
        i += 1;
        continue;
      }
      if (mode === 'jis0212') euc.push(0x8f);
      euc.push(b | 0x80, b2 | 0x80);
      i += 2;
    }
  }
  return iconv.decode(Buffer.from(euc), 'euc-jp');
}

/**
 * Encodes text as ISO-2022-JP, switching back to ASCII before every ASCII character so that HL7
 * delimiters and segment terminators are always plain ASCII bytes. Characters without a JIS code
 * (and ¥ ‾, which EUC-JP would turn into the ASCII bytes \ and ~) become '?'.
 */
export function encodeIso2022Jp(text: string): Buffer {
  const out: number[] = [];
  let mode: Mode = 'ascii';
  const switchTo = (next: Mode) => {
    if (mode === next) return;
    mode = next;
    if (next === 'ascii') out.push(ESC, 0x28, 0x42);
    else if (next === 'kana') out.push(ESC, 0x28, 0x49);
    else if (next === 'jis0208') out.push(ESC, 0x24, 0x42);
    else out.push(ESC, 0x24, 0x28, 0x44);
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      switchTo('ascii');
      out.push(cp);
      continue;
    }
    const euc = iconv.encode(ch, 'euc-jp');
    if (euc.length === 2 && euc[0]! >= 0xa1) {
      switchTo('jis0208');
      out.push(euc[0]! & 0x7f, euc[1]! & 0x7f);
    } else if (euc.length === 2 && euc[0] === 0x8e) {
      switchTo('kana');
      out.push(euc[1]! & 0x7f);
    } else if (euc.length === 3 && euc[0] === 0x8f) {
      switchTo('jis0212');
      out.push(euc[1]! & 0x7f, euc[2]! & 0x7f);
    } else {
      switchTo('ascii');
      out.push(0x3f);
    }
  }
  switchTo('ascii');
  return Buffer.from(out);
}

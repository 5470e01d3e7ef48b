// Which transfer syntax a retrieved instance travels in: as stored whenever the peer accepts that,
// else another uncompressed syntax when the stored one is uncompressed (implicit, explicit, deflated
// explicit VR little endian: the same values re-encoded, pixel data untouched). Compressed
// instances go only as stored: the archive does not decompress or recompress pixel data.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { dcmjs } from '../dcmjs.ts';
import type { DcmjsDict } from '../dcmjs.ts';
import { TransferSyntax } from '../transfer-syntaxes.ts';

const { ImplicitVRLittleEndian: IMPLICIT, ExplicitVRLittleEndian: EXPLICIT, DeflatedExplicitVRLittleEndian: DEFLATED } = TransferSyntax;

/** Syntaxes the archive converts between, in the order it prefers them when it must convert. */
const CONVERTIBLE: readonly string[] = [EXPLICIT, IMPLICIT, DEFLATED];

export function isConvertible(ts: string): boolean {
  return CONVERTIBLE.includes(ts);
}

/** The syntax to send an instance stored in `stored` in, given what the peer accepted; undefined: it cannot go. */
export function chooseSendSyntax(stored: string, accepted: readonly string[]): string | undefined {
  if (accepted.includes(stored)) return stored;
  if (!isConvertible(stored)) return undefined;
  return CONVERTIBLE.find((ts) => accepted.includes(ts));
}

export type ContextProposal = { sopClassUid: string; transferSyntaxes: string[] };

/**
 * Presentation contexts to propose to a move destination for a set of instances: per SOP class,
 * one context per stored syntax that only goes as stored (compressed, and deflated so it can go as
 * stored), plus one uncompressed context (explicit, implicit) when any of the class's instances can
 * be converted. At most `max` (PS3.8: 128 contexts per association).
 */
export function proposeContexts(instances: Iterable<{ sopClassUid: string; transferSyntaxUid: string }>, max = 128): { contexts: ContextProposal[]; dropped: ContextProposal[] } {
  const byClass = new Map<string, Set<string>>();
  for (const i of instances) {
    let set = byClass.get(i.sopClassUid);
    if (!set) byClass.set(i.sopClassUid, (set = new Set()));
    set.add(i.transferSyntaxUid);
  }
  const all: ContextProposal[] = [];
  for (const [sopClassUid, syntaxes] of byClass) {
    if ([...syntaxes].some(isConvertible)) all.push({ sopClassUid, transferSyntaxes: [EXPLICIT, IMPLICIT] });
    for (const ts of syntaxes) if (!isConvertible(ts) || ts === DEFLATED) all.push({ sopClassUid, transferSyntaxes: [ts] });
  }
  return { contexts: all.slice(0, max), dropped: all.slice(max) };
}

type WriteStream = { getBuffer(): ArrayBuffer };
const data = dcmjs.data as typeof dcmjs.data & {
  WriteBufferStream: new () => WriteStream;
  DicomMessage: { write(dict: DcmjsDict, stream: WriteStream, syntax: string, options?: Record<string, unknown>): number };
};

/** A data set (no Part 10 header) re-encoded from one uncompressed syntax into another. */
export function convertDataset(dataset: Buffer, from: string, to: string): Buffer {
  if (from === to) return dataset;
  if (!isConvertible(from) || !isConvertible(to)) throw new Error(`cannot convert a data set from ${from} to ${to}`);
  // Deflated explicit VR little endian is explicit VR little endian, deflated (PS3.5 A.5).
  const plain = from === DEFLATED ? inflateRawSync(dataset) : dataset;
  const plainSyntax = from === DEFLATED ? EXPLICIT : from;
  const targetPlain = to === DEFLATED ? EXPLICIT : to;
  let encoded = plain;
  if (plainSyntax !== targetPlain) {
    const ab = plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.length) as ArrayBuffer;
    const dict = dcmjs.data.DicomMessage._read(new dcmjs.data.ReadBufferStream(ab), plainSyntax, { ignoreErrors: false });
    const out = new data.WriteBufferStream();
    data.DicomMessage.write(dict, out, targetPlain, {});
    encoded = Buffer.from(out.getBuffer());
  }
  return to === DEFLATED ? deflateRawSync(encoded) : encoded;
}

// Content negotiation of PS3.18 8.7: the Accept header (or the `accept` query parameter) parsed
// into media ranges, and the choice of a representation for each kind of resource. Pure.
import { TransferSyntax } from '../transfer-syntaxes.ts';

export type AcceptEntry = {
  /** multipart/related; type="…": the media type of each part. */
  multipart: boolean;
  /** type/subtype, lower case; "*\/*" and "image/*" are ranges. */
  mediaType: string;
  /** The transfer-syntax parameter: a UID, "*" (as stored), or absent. */
  transferSyntax?: string;
  q: number;
};

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

/** A media type with its parameters (`multipart/related; type="application/dicom"; boundary=x`). Parameter names in lower case, quotes removed. */
export function parseMediaType(text: string): { type: string; params: Record<string, string> } {
  const [head = '', ...rest] = splitOutsideQuotes(text, ';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: head.trim().toLowerCase(), params };
}

/**
 * The media ranges a request accepts, best first (by q, then in the order given). No Accept at
 * all is taken as "*\/*": PS3.18 would answer 406, but browsers' <img> and curl send none or "*\/*".
 */
export function parseAccept(header: string | undefined, queryParam?: string): AcceptEntry[] {
  const text = queryParam?.trim() || header?.trim() || '*/*';
  const entries: AcceptEntry[] = [];
  for (const item of splitOutsideQuotes(text, ',')) {
    const { type, params } = parseMediaType(item);
    if (!type.includes('/')) continue;
    const q = params.q === undefined ? 1 : Number(params.q);
    if (!(q > 0)) continue;
    const multipart = type === 'multipart/related';
    const mediaType = multipart ? (params.type?.toLowerCase() ?? '*/*') : type;
    const ts = params['transfer-syntax'];
    entries.push({ multipart, mediaType, ...(ts ? { transferSyntax: ts } : {}), q });
  }
  return entries.map((e, i) => ({ e, i })).sort((a, b) => b.e.q - a.e.q || a.i - b.i).map(({ e }) => e);
}

/** Does the media range (`*\/*`, `image/*`, `image/jpeg`) take in this concrete type? Knows the aliases PS3.18 and clients use. */
export function mediaMatches(range: string, concrete: string): boolean {
  if (range === '*/*' || range === '*') return true;
  const canon = (t: string) => ALIASES[t] ?? t;
  const r = canon(range);
  const c = canon(concrete);
  if (r.endsWith('/*')) return c.startsWith(r.slice(0, -1));
  return r === c;
}

const ALIASES: Record<string, string> = {
  'image/x-jls': 'image/jls',
  'image/x-dicom-rle': 'image/dicom-rle',
  'image/jhc': 'image/jphc',
};

/** The media type of compressed pixel data in each transfer syntax (PS3.18 Table 8.7.3-2; dicomweb-client's names). */
const PIXEL_MEDIA_TYPE: Record<string, string> = {
  [TransferSyntax.RleLossless]: 'image/x-dicom-rle',
  [TransferSyntax.JpegBaseline]: 'image/jpeg',
  [TransferSyntax.JpegExtended]: 'image/jpeg',
  [TransferSyntax.JpegLosslessNonHierarchical]: 'image/jpeg',
  [TransferSyntax.JpegLossless]: 'image/jpeg',
  [TransferSyntax.JpegLsLossless]: 'image/jls',
  [TransferSyntax.JpegLsNearLossless]: 'image/jls',
  [TransferSyntax.Jpeg2000Lossless]: 'image/jp2',
  [TransferSyntax.Jpeg2000]: 'image/jp2',
  [TransferSyntax.HtJpeg2000Lossless]: 'image/jphc',
  [TransferSyntax.HtJpeg2000LosslessRpcl]: 'image/jphc',
  [TransferSyntax.HtJpeg2000]: 'image/jphc',
  [TransferSyntax.Mpeg2MainProfile]: 'video/mpeg2',
  [TransferSyntax.Mpeg2HighProfile]: 'video/mpeg2',
  [TransferSyntax.Mpeg4HighProfile]: 'video/mp4',
  [TransferSyntax.Mpeg4BdCompatibleHighProfile]: 'video/mp4',
  [TransferSyntax.Hevc]: 'video/H265',
};

const NATIVE: ReadonlySet<string> = new Set([TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.DeflatedExplicitVRLittleEndian]);

/** Uncompressed pixel data (the data set may still be deflated, the pixel values are not). */
export function isNativeSyntax(ts: string): boolean {
  return NATIVE.has(ts);
}

export type Representation = { mediaType: string; transferSyntax: string; multipart?: boolean };

/** How pixel data stored in `ts` goes out when nobody asks for anything: native as explicit VR little endian octets, compressed as its image type. */
export function naturalPixelRepresentation(ts: string): Representation {
  if (isNativeSyntax(ts)) return { mediaType: 'application/octet-stream', transferSyntax: TransferSyntax.ExplicitVRLittleEndian };
  return { mediaType: PIXEL_MEDIA_TYPE[ts] ?? 'application/octet-stream', transferSyntax: ts };
}

/**
 * The representation of frames (or pixel bulk data) of an instance stored in `storedTs`, or
 * undefined when the request accepts none we can produce: the archive returns pixel data as
 * stored and never transcodes. `transfer-syntax=*` takes the stored syntax (labelled
 * application/octet-stream when that is what was asked, as cornerstone's loader asks).
 */
export function choosePixelRepresentation(accepts: readonly AcceptEntry[], storedTs: string): Representation | undefined {
  const natural = naturalPixelRepresentation(storedTs);
  const native = isNativeSyntax(storedTs);
  for (const a of accepts) {
    const r = pixelChoice(a, natural, native);
    if (r) return { ...r, multipart: a.multipart || a.mediaType === '*/*' };
  }
  return undefined;
}

function pixelChoice(a: AcceptEntry, natural: Representation, native: boolean): Representation | undefined {
  if (a.mediaType.startsWith('application/') && a.mediaType !== 'application/octet-stream' && a.mediaType !== 'application/*') return undefined;
  const ts = a.transferSyntax;
  if (ts === '*') {
    if (mediaMatches(a.mediaType, natural.mediaType)) return natural;
    if (a.mediaType === 'application/octet-stream') return { mediaType: 'application/octet-stream', transferSyntax: natural.transferSyntax };
    return undefined;
  }
  if (ts === undefined) {
    if (a.mediaType === 'application/octet-stream' && !native) return undefined; // its default syntax is explicit VR LE: would need decoding
    return mediaMatches(a.mediaType, natural.mediaType) ? natural : undefined;
  }
  if (native && (ts === TransferSyntax.ExplicitVRLittleEndian || ts === TransferSyntax.ImplicitVRLittleEndian) && mediaMatches(a.mediaType, 'application/octet-stream')) {
    return { mediaType: 'application/octet-stream', transferSyntax: ts };
  }
  if (ts === natural.transferSyntax && mediaMatches(a.mediaType, natural.mediaType)) return natural;
  return undefined;
}

/**
 * The transfer syntax whole instances go out in (application/dicom), or undefined: always the
 * stored one, so asking for another one specifically is not acceptable. No parameter takes the
 * stored syntax too (PS3.18 would ask for explicit VR little endian; the archive does not transcode).
 */
export function chooseInstanceSyntax(accepts: readonly AcceptEntry[], storedTs: string): { transferSyntax: string; multipart: boolean } | undefined {
  for (const a of accepts) {
    if (!mediaMatches(a.mediaType, 'application/dicom')) continue;
    const ts = a.transferSyntax;
    if (ts === undefined || ts === '*' || ts === storedTs) return { transferSyntax: storedTs, multipart: a.multipart || a.mediaType === '*/*' };
  }
  return undefined;
}

/** Whether DICOM JSON (application/dicom+json, or application/json) is acceptable. */
export function acceptsDicomJson(accepts: readonly AcceptEntry[]): boolean {
  return accepts.some((a) => !a.multipart && (mediaMatches(a.mediaType, 'application/dicom+json') || a.mediaType === 'application/json'));
}

/** Whether raw bulk data (application/octet-stream, in a multipart or alone) is acceptable. */
export function acceptsOctetStream(accepts: readonly AcceptEntry[]): { multipart: boolean } | undefined {
  const a = accepts.find((x) => mediaMatches(x.mediaType, 'application/octet-stream') && (x.transferSyntax === undefined || x.transferSyntax === '*' || x.transferSyntax === TransferSyntax.ExplicitVRLittleEndian));
  return a ? { multipart: a.multipart || a.mediaType === '*/*' } : undefined;
}

export type ImageType = 'image/jpeg' | 'image/png';

/** The consumer format of /rendered and /thumbnail: JPEG (the default of PS3.18) or PNG. */
export function chooseImageType(accepts: readonly AcceptEntry[]): ImageType | undefined {
  for (const a of accepts) {
    if (a.multipart) continue;
    if (mediaMatches(a.mediaType, 'image/jpeg')) return 'image/jpeg';
    if (mediaMatches(a.mediaType, 'image/png')) return 'image/png';
  }
  return undefined;
}

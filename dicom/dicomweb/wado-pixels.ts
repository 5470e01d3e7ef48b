// WADO-RS pixel retrieval (PS3.18 10.4): frames cut out of the stored pixel data as stored (no
// transcoding), bulk data at the BulkDataURIs the metadata gives, and rendered images and
// thumbnails (JPEG or PNG, window and viewport applied).
import type { Result } from '../../engine/index.ts';
import { firstInteger } from '../dicom-json.ts';
import type { DicomJson } from '../dicom-json.ts';
import { scanDataset } from '../parse/dataset-scan.ts';
import { bulkValue, parseBulkPath } from './bulk-data.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { encodeJpeg } from './jpeg-encoder.ts';
import { openInstance } from './instance-source.ts';
import type { OpenInstance } from './instance-source.ts';
import { acceptsOctetStream, chooseImageType, choosePixelRepresentation, isNativeSyntax } from './media-types.ts';
import type { ImageType, Representation } from './media-types.ts';
import { MultipartWriter } from './multipart-writer.ts';
import { findPixelData, frameRanges, parseFrameList } from './pixel-data.ts';
import type { ByteRange } from './pixel-data.ts';
import { encodePng } from './png-encoder.ts';
import { renderFrame } from './render-image.ts';
import type { RenderOptions } from './render-image.ts';
import { PIXEL_DATA } from './wado-metadata.ts';
import { representativeInstance, singleInstance } from './wado-lookup.ts';
import type { InstanceFile, WadoTarget } from './wado-lookup.ts';
import { findTarget, readAudit } from './wado-retrieve.ts';
import type { Resolved } from './wado-retrieve.ts';
import { etagOf, IMMUTABLE, REVALIDATE } from './web-response.ts';
import type { DicomWebDeps, WebRequest, WebResponse } from './web-response.ts';

type Deps = Pick<DicomWebDeps, 'db' | 'storeFor'>;

const notAcceptable = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message } });
const invalid = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

async function openStored(deps: Deps, f: InstanceFile): Promise<Result<OpenInstance, DicomwebError>> {
  const store = deps.storeFor(f.tier);
  if (!store) return { ok: false, error: { code: 'DICOM_INSTANCE_UNAVAILABLE', message: `the storage tier ${f.tier} of instance ${f.sopInstanceUid} is not available` } };
  return openInstance(store, f.storageKey);
}

async function theInstance(deps: Deps, t: WadoTarget): Promise<Result<{ r: Resolved; file: InstanceFile }, DicomwebError>> {
  const found = await findTarget(deps.db, t);
  if (!found.ok) return found;
  const file = await singleInstance(deps.db, found.value.resolved);
  if (!file) return { ok: false, error: { code: 'DICOM_INSTANCE_NOT_FOUND', message: `no instance ${t.sopInstanceUid}` } };
  return { ok: true, value: { r: found.value, file } };
}

function geometry(md: DicomJson) {
  return {
    rows: firstInteger(md, '00280010') ?? 0,
    columns: firstInteger(md, '00280011') ?? 0,
    samplesPerPixel: firstInteger(md, '00280002') ?? 1,
    bitsAllocated: firstInteger(md, '00280100') ?? 0,
    numberOfFrames: firstInteger(md, '00280008') ?? 1,
  };
}

/** The instance's frames as byte ranges of its data set (the source stays open for the caller to read and close). */
function locateFrames(src: OpenInstance, md: DicomJson): Result<ByteRange[][], DicomwebError> {
  const px = findPixelData(src.dataset, src.explicit);
  if (!px.ok) return { ok: false, error: { code: 'DICOM_INSTANCE_UNAVAILABLE', message: `the stored object cannot be read: ${px.error.message}` } };
  if (!px.value) return { ok: false, error: { code: 'DICOM_FRAME_NOT_FOUND', message: 'the instance has no pixel data' } };
  return frameRanges(px.value, geometry(md), (r) => src.dataset.read(r.offset, Math.min(8, r.length)));
}

/** Frames as parts (or one frame alone when a single part was asked for), read one at a time while the client takes them. */
function framesBody(src: OpenInstance, frames: ByteRange[][], numbers: number[], rep: Representation): { contentType: string; body: AsyncIterable<Buffer> } {
  const partType = `${rep.mediaType}; transfer-syntax=${rep.transferSyntax}`;
  const read = (ranges: ByteRange[]) => Buffer.concat(ranges.map((x) => src.dataset.read(x.offset, x.length)));
  if (!rep.multipart && numbers.length === 1) {
    return {
      contentType: partType,
      body: (async function* () {
        try {
          yield read(frames[numbers[0]! - 1]!);
        } finally {
          await src.close();
        }
      })(),
    };
  }
  const writer = new MultipartWriter();
  return {
    contentType: writer.contentType(rep.mediaType, rep.transferSyntax),
    body: (async function* () {
      try {
        for (const n of numbers) {
          yield writer.head(partType);
          yield read(frames[n - 1]!);
        }
        yield writer.end();
      } finally {
        await src.close();
      }
    })(),
  };
}

/** GET …/instances/{i}/frames/{list} */
export async function retrieveFrames(deps: Deps, req: WebRequest, t: WadoTarget, list: string): Promise<Result<WebResponse, DicomwebError>> {
  const numbers = parseFrameList(list);
  if (!numbers.ok) return numbers;
  const inst = await theInstance(deps, t);
  if (!inst.ok) return inst;
  const { r, file } = inst.value;
  const rep = choosePixelRepresentation(req.accept, file.transferSyntaxUid);
  if (!rep) return notAcceptable(`frames are returned as stored (transfer syntax ${file.transferSyntaxUid}); accept transfer-syntax=* or that syntax's media type`);
  const src = await openStored(deps, file);
  if (!src.ok) return src;
  const frames = locateFrames(src.value, file.metadata ?? {});
  const missing = frames.ok ? numbers.value.find((n) => n > frames.value.length) : undefined;
  if (!frames.ok || missing !== undefined) {
    await src.value.close();
    if (!frames.ok) return frames;
    return { ok: false, error: { code: 'DICOM_FRAME_NOT_FOUND', message: `frame ${missing} is not in the instance (it has ${frames.value.length})` } };
  }
  const { contentType, body } = framesBody(src.value, frames.value, numbers.value, rep);
  return {
    ok: true,
    value: {
      status: 200,
      headers: { 'Content-Type': contentType, ETag: etagOf(file.sopInstanceUid, 'frames', list, contentType.replace(/boundary=[^;]+/, '')), 'Cache-Control': IMMUTABLE },
      body,
      audit: readAudit(r, 'frames'),
      dispose: src.value.close,
    },
  };
}

/** GET …/instances/{i}/bulkdata/{path}: the BulkDataURIs of the metadata. */
export async function retrieveBulkData(deps: Deps, req: WebRequest, t: WadoTarget, segments: readonly string[]): Promise<Result<WebResponse, DicomwebError>> {
  const path = parseBulkPath(segments);
  if (!path.ok) return path;
  const inst = await theInstance(deps, t);
  if (!inst.ok) return inst;
  const { r, file } = inst.value;
  const isPixels = path.value.tags.length === 1 && path.value.tags[0] === PIXEL_DATA;
  if (isPixels) {
    // Pixel data: native as one octet stream; encapsulated as its frames, each in its own media type.
    const rep = choosePixelRepresentation(req.accept, file.transferSyntaxUid);
    if (!rep) return notAcceptable(`pixel data is returned as stored (transfer syntax ${file.transferSyntaxUid}); accept transfer-syntax=* or that syntax's media type`);
    const src = await openStored(deps, file);
    if (!src.ok) return src;
    const frames = locateFrames(src.value, file.metadata ?? {});
    if (!frames.ok) {
      await src.value.close();
      return frames;
    }
    const all = isNativeSyntax(file.transferSyntaxUid) ? [frames.value.flat()] : frames.value;
    const numbers = all.map((_, i) => i + 1);
    const { contentType, body } = framesBody(src.value, all, numbers, numbers.length === 1 ? rep : { ...rep, multipart: true });
    return {
      ok: true,
      value: {
        status: 200,
        headers: { 'Content-Type': contentType, ETag: etagOf(file.sopInstanceUid, 'bulk', PIXEL_DATA, contentType.replace(/boundary=[^;]+/, '')), 'Cache-Control': IMMUTABLE },
        body,
        audit: readAudit(r, 'bulkdata'),
        dispose: src.value.close,
      },
    };
  }
  const octets = acceptsOctetStream(req.accept);
  if (!octets) return notAcceptable('bulk data is available as application/octet-stream');
  const src = await openStored(deps, file);
  if (!src.ok) return src;
  let value: Result<Buffer, DicomwebError>;
  try {
    const layout = scanDataset(src.value.dataset, src.value.explicit);
    value = layout.ok
      ? bulkValue(src.value.dataset.read(0, layout.value.bulkStart), src.value.explicit, path.value)
      : { ok: false, error: { code: 'DICOM_INSTANCE_UNAVAILABLE', message: `the stored object cannot be read: ${layout.error.message}` } };
  } finally {
    await src.value.close();
  }
  if (!value.ok) return value;
  const writer = new MultipartWriter();
  const body = octets.multipart ? Buffer.concat([writer.head('application/octet-stream'), value.value, writer.end()]) : value.value;
  return {
    ok: true,
    value: {
      status: 200,
      headers: {
        'Content-Type': octets.multipart ? writer.contentType('application/octet-stream') : 'application/octet-stream',
        ETag: etagOf(file.sopInstanceUid, 'bulk', segments.join('/'), String(octets.multipart)),
        'Cache-Control': IMMUTABLE,
      },
      body,
      audit: readAudit(r, 'bulkdata'),
    },
  };
}

export type RenderParams = { window?: { center: number; width: number }; viewport?: { width: number; height: number }; quality: number };

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** The rendering query parameters of PS3.18 8.3.5.1 that apply here: window, viewport, quality (annotation, iccprofile are ignored). */
export function parseRenderParams(params: readonly (readonly [string, string])[]): Result<RenderParams, DicomwebError> {
  const out: RenderParams = { quality: 90 };
  for (const [name, value] of params) {
    const nums = value.split(',').map((s) => s.trim());
    if (name === 'window') {
      if (nums.length < 2 || !NUMBER.test(nums[0]!) || !NUMBER.test(nums[1]!) || Number(nums[1]) <= 0) return invalid('window must be center,width[,function] with a width above 0');
      if (nums[2] && !/^(linear|linear_exact|sigmoid)$/i.test(nums[2])) return invalid(`window function "${nums[2].slice(0, 20)}" is not LINEAR, LINEAR_EXACT or SIGMOID`);
      out.window = { center: Number(nums[0]), width: Number(nums[1]) };
    } else if (name === 'viewport') {
      const [w, h] = nums;
      if (!w || !h || !/^\d{1,5}$/.test(w) || !/^\d{1,5}$/.test(h) || Number(w) < 1 || Number(h) < 1 || Number(w) > 8192 || Number(h) > 8192) return invalid('viewport must be vw,vh: whole numbers from 1 to 8192');
      out.viewport = { width: Number(w), height: Number(h) };
    } else if (name === 'quality') {
      if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 100) return invalid('quality must be a whole number from 1 to 100');
      out.quality = Number(value);
    } else if (!['accept', 'annotation', 'charset', 'iccprofile'].includes(name)) {
      return invalid(`unknown parameter "${name.slice(0, 40)}" (rendering takes window, viewport, quality)`);
    }
  }
  return { ok: true, value: out };
}

export async function renderedImage(deps: Deps, file: InstanceFile, type: ImageType, o: RenderOptions & { quality: number }): Promise<Result<Buffer, DicomwebError>> {
  const src = await openStored(deps, file);
  if (!src.ok) return src;
  let bytes: Buffer;
  try {
    bytes = await src.value.file();
  } finally {
    await src.value.close();
  }
  const img = await renderFrame(bytes, file.transferSyntaxUid, o);
  if (!img.ok) return img;
  const { rgba, width, height } = img.value;
  return { ok: true, value: type === 'image/png' ? encodePng(rgba, width, height) : encodeJpeg(rgba, width, height, o.quality) };
}

export const THUMBNAIL_SIZE = 128;

/**
 * GET …/rendered (instance, or one frame) and …/thumbnail (study, series, instance, frame): a
 * consumer image. Thumbnails of a study or series show its representative image.
 */
export async function retrieveRendered(
  deps: Deps,
  req: WebRequest,
  t: WadoTarget,
  o: { kind: 'rendered' | 'thumbnail'; frames?: string; params: readonly (readonly [string, string])[] },
): Promise<Result<WebResponse, DicomwebError>> {
  const type = chooseImageType(req.accept);
  if (!type) return notAcceptable('rendered images are available as image/jpeg or image/png');
  const params = parseRenderParams(o.params);
  if (!params.ok) return params;
  let frame = 0;
  if (o.frames !== undefined) {
    const list = parseFrameList(o.frames);
    if (!list.ok) return list;
    if (list.value.length !== 1) return invalid('one frame at a time can be rendered');
    frame = list.value[0]! - 1;
  }
  const found = await findTarget(deps.db, t);
  if (!found.ok) return found;
  const r = found.value;
  const file = await representativeInstance(deps.db, r.resolved);
  if (!file) return notAcceptable(`there is no image to render in this ${t.sopInstanceUid ? 'instance' : t.seriesInstanceUid ? 'series' : 'study'}`);
  const thumbnail = o.kind === 'thumbnail';
  const viewport = params.value.viewport ?? (thumbnail ? { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE } : undefined);
  const image = await renderedImage(deps, file, type, { frame, ...(params.value.window ? { window: params.value.window } : {}), ...(viewport ? { viewport } : {}), shrinkOnly: thumbnail, quality: params.value.quality });
  if (!image.ok) return image;
  const single = r.resolved.instanceRef !== undefined;
  return {
    ok: true,
    value: {
      status: 200,
      headers: {
        'Content-Type': type,
        ETag: etagOf(file.sopInstanceUid, o.kind, frame, type, JSON.stringify(params.value)),
        'Cache-Control': single ? IMMUTABLE : REVALIDATE,
      },
      body: image.value,
      audit: readAudit(r, o.kind),
    },
  };
}

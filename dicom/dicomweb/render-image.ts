// Renders one frame of a stored instance to RGBA with dcmjs-imaging (modality LUT, window,
// palette, overlays) and scales it for /rendered and /thumbnail. Compressed pixel data needs
// dcmjs-imaging's WebAssembly decoders, loaded on first use.
import { createRequire } from 'node:module';
import type * as DcmjsImaging from 'dcmjs-imaging';
import type { Result } from '../../engine/index.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { isNativeSyntax } from './media-types.ts';

const require = createRequire(import.meta.url);
let imaging: typeof DcmjsImaging | undefined;
let decoders: Promise<void> | undefined;

function load(): typeof DcmjsImaging {
  if (!imaging) {
    imaging = require('dcmjs-imaging') as typeof DcmjsImaging;
    imaging.log.setLevel('silent');
  }
  return imaging;
}

export type RenderOptions = {
  /** From 0. */
  frame: number;
  window?: { center: number; width: number };
  /** Fit into this box, keeping the aspect ratio (PS3.18 8.3.5.1.3). */
  viewport?: { width: number; height: number };
  /** Never scale up (thumbnails). */
  shrinkOnly?: boolean;
};

export type RenderedImage = { rgba: Uint8Array; width: number; height: number };

const failed = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message } });

/** `part10`: the whole stored file. */
export async function renderFrame(part10: Buffer, transferSyntaxUid: string, o: RenderOptions): Promise<Result<RenderedImage, DicomwebError>> {
  const lib = load();
  if (!isNativeSyntax(transferSyntaxUid) && !lib.NativePixelDecoder.isInitialized()) {
    decoders ??= lib.NativePixelDecoder.initializeAsync();
    try {
      await decoders;
    } catch (err) {
      decoders = undefined;
      return failed(`cannot load the pixel decoders: ${(err as Error).message}`);
    }
  }
  let out: { width: number; height: number; pixels: ArrayBuffer };
  try {
    const image = new lib.DicomImage(part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.length) as ArrayBuffer);
    if (o.frame >= image.getNumberOfFrames()) return { ok: false, error: { code: 'DICOM_FRAME_NOT_FOUND', message: `frame ${o.frame + 1} is not in the instance (it has ${image.getNumberOfFrames()})` } };
    out = image.render({ frame: o.frame, ...(o.window ? { windowLevel: new lib.WindowLevel(o.window.width, o.window.center) } : {}) });
  } catch (err) {
    return failed(`the image cannot be rendered: ${(err as Error).message}`);
  }
  let img: RenderedImage = { rgba: new Uint8Array(out.pixels), width: out.width, height: out.height };
  if (o.viewport) {
    let scale = Math.min(o.viewport.width / img.width, o.viewport.height / img.height);
    if (o.shrinkOnly) scale = Math.min(scale, 1);
    const w = Math.max(1, Math.round(img.width * scale));
    const h = Math.max(1, Math.round(img.height * scale));
    if (w !== img.width || h !== img.height) img = resizeRgba(img, w, h);
  }
  return { ok: true, value: img };
}

/** Area-averaging when shrinking, nearest pixel when growing. Pure. */
export function resizeRgba(src: RenderedImage, width: number, height: number): RenderedImage {
  const out = new Uint8Array(width * height * 4);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.min(src.height, Math.floor((y + 1) * sy)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.min(src.width, Math.floor((x + 1) * sx)));
      const sum = [0, 0, 0, 0];
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) {
          const p = (yy * src.width + xx) * 4;
          for (let c = 0; c < 4; c++) sum[c]! += src.rgba[p + c]!;
        }
      const n = (y1 - y0) * (x1 - x0);
      const q = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[q + c] = Math.round(sum[c]! / n);
    }
  }
  return { rgba: out, width, height };
}

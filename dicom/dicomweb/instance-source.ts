// Random access to a stored instance for frames, bulk data and rendering: the Part 10 file's
// meta information, its data set as a ByteSource (inflated when deflated), and the whole file
// when a renderer needs it. A file on the filesystem tier is read in place (only the bytes asked
// for); another tier's object is read into memory once.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import type { Result } from '../../engine/index.ts';
import { bufferSource, FileSource } from '../parse/byte-source.ts';
import type { ByteSource } from '../parse/byte-source.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { FilesystemBlobStore } from '../storage/filesystem-blob-store.ts';
import { datasetEncoding } from '../transfer-syntaxes.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { readPart10Meta } from './part10-meta.ts';
import type { Part10Meta } from './part10-meta.ts';

export type OpenInstance = {
  meta: Part10Meta;
  /** The data set (after the file meta information), inflated if it was deflated. */
  dataset: ByteSource;
  explicit: boolean;
  /** The whole file's bytes. */
  file(): Promise<Buffer>;
  close(): Promise<void>;
};

const unavailable = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_INSTANCE_UNAVAILABLE', message } });

async function readAll(store: BlobStore, key: string): Promise<Buffer | undefined> {
  const stream = await store.get(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function openInstance(store: BlobStore, key: string): Promise<Result<OpenInstance, DicomwebError>> {
  let whole: Buffer | undefined;
  let fh: FileHandle | undefined;
  let src: ByteSource;
  try {
    if (store instanceof FilesystemBlobStore) {
      fh = await open(store.pathOf(key), 'r');
      src = new FileSource(fh.fd, 0, (await fh.stat()).size);
    } else {
      whole = await readAll(store, key);
      if (!whole) return unavailable(`the stored object ${key} is missing from tier ${store.name}`);
      src = bufferSource(whole);
    }
  } catch (err) {
    await fh?.close().catch(() => undefined);
    return unavailable(`the stored object cannot be opened: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const close = async () => {
    await fh?.close().catch(() => undefined);
    fh = undefined;
  };
  const meta = readPart10Meta(src.read(0, Math.min(src.length, 64 * 1024)));
  if (!meta.ok || !meta.value) {
    await close();
    return unavailable(`the stored object is not a readable Part 10 file${meta.ok ? '' : `: ${meta.error.message}`}`);
  }
  const m = meta.value;
  const { explicit, deflated } = datasetEncoding(m.transferSyntaxUid);
  let dataset: ByteSource;
  if (deflated) {
    try {
      dataset = bufferSource(inflateRawSync(src.read(m.datasetOffset, src.length - m.datasetOffset)));
    } catch (err) {
      await close();
      return unavailable(`the deflated data set does not inflate: ${(err as Error).message}`);
    }
  } else {
    dataset = whole ? bufferSource(whole.subarray(m.datasetOffset)) : new FileSource(fh!.fd, m.datasetOffset, src.length - m.datasetOffset);
  }
  return {
    ok: true,
    value: {
      meta: m,
      dataset,
      explicit,
      file: async () => whole ?? src.read(0, src.length),
      close,
    },
  };
}

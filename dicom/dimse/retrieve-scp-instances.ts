// The instances a retrieve selects, read from the study index, and each one's data set read back
// from its storage tier: the stored Part 10 file minus its preamble and file meta group, i.e. the
// data set exactly as it was received.
import type { Readable } from 'node:stream';
import { queryFromWhere } from '../query/query-sql.ts';
import type { StudyQuery } from '../query/study-query.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { IndexDb } from '../study-index/index-db.ts';

export type StoredInstance = {
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  tier: string;
  storageKey: string;
  size: number;
};

/** Every instance the query selects, study by study, series by series, in instance-number order. */
export async function selectInstances(db: IndexDb, query: StudyQuery): Promise<StoredInstance[]> {
  const { from, where, params } = queryFromWhere({ ...query, level: 'IMAGE' });
  const { rows } = await db.query<StoredInstance>(
    `select i.sop_instance_uid as "sopInstanceUid", i.sop_class_uid as "sopClassUid", i.transfer_syntax_uid as "transferSyntaxUid",
            i.tier, i.storage_key as "storageKey", i.size_bytes::float8 as size
       from ${from} where ${where}
      order by s.id, se.series_number nulls last, se.id, i.instance_number nulls last, i.id`,
    params,
  );
  return rows;
}

export type Part10Dataset = { transferSyntaxUid: string; dataset: Buffer };

/** Splits a Part 10 file into the transfer syntax its meta header names and the data set behind it. */
export function splitPart10(file: Buffer): Part10Dataset | undefined {
  if (file.length < 144 || file.toString('latin1', 128, 132) !== 'DICM') return undefined;
  // Group 0002 is explicit VR little endian; walk it rather than trust (0002,0000) alone.
  let pos = 132;
  let transferSyntaxUid = '';
  while (pos + 8 <= file.length && file.readUInt16LE(pos) === 0x0002) {
    const elem = file.readUInt16LE(pos + 2);
    const vr = file.toString('latin1', pos + 4, pos + 6);
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV', 'SV', 'UV'].includes(vr);
    const length = long ? file.readUInt32LE(pos + 8) : file.readUInt16LE(pos + 6);
    const start = pos + (long ? 12 : 8);
    if (start + length > file.length) return undefined;
    if (elem === 0x0010) transferSyntaxUid = file.toString('latin1', start, start + length).replace(/[\0 ]+$/, '');
    pos = start + length;
  }
  if (!transferSyntaxUid) return undefined;
  return { transferSyntaxUid, dataset: file.subarray(pos) };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type ReadOutcome = { ok: true; value: Part10Dataset } | { ok: false; reason: string };

/** An instance's data set from its tier, or why it cannot be read. */
export async function readInstance(tiers: (name: string) => BlobStore | undefined, instance: StoredInstance): Promise<ReadOutcome> {
  const store = tiers(instance.tier);
  if (!store) return { ok: false, reason: `storage tier "${instance.tier}" is not available` };
  const stream = await store.get(instance.storageKey);
  if (!stream) return { ok: false, reason: `the file ${instance.storageKey} is missing from tier "${instance.tier}"` };
  const parsed = splitPart10(await readAll(stream));
  if (!parsed) return { ok: false, reason: `the file ${instance.storageKey} is not a Part 10 file` };
  return { ok: true, value: parsed };
}

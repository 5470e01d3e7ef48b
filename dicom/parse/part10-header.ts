// The Part 10 file preamble and File Meta Information (PS3.10 7.1), written in front of a data set
// received over the network exactly as it arrived, so the stored file is what the modality sent.
export const IMPLEMENTATION_CLASS_UID = '2.25.152373588946520466384813418203953201541';
export const IMPLEMENTATION_VERSION_NAME = 'PACS_APPLIANCE';

export type FileMeta = {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The calling AE title of the association that sent it: (0002,0016). */
  sourceAeTitle?: string;
};

function element(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** UI values are padded with NUL, other strings with a space, to an even length. */
function text(value: string, vr: 'UI' | 'SH' | 'AE'): Buffer {
  const b = Buffer.from(value, 'latin1');
  return b.length % 2 ? Buffer.concat([b, Buffer.from(vr === 'UI' ? [0] : [0x20])]) : b;
}

/** 128-byte preamble, "DICM", and group 0002 in explicit VR little endian. */
export function part10Header(meta: FileMeta): Buffer {
  const elements = [
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text(meta.sopClassUid, 'UI')),
    element(0x0002, 0x0003, 'UI', text(meta.sopInstanceUid, 'UI')),
    element(0x0002, 0x0010, 'UI', text(meta.transferSyntaxUid, 'UI')),
    element(0x0002, 0x0012, 'UI', text(IMPLEMENTATION_CLASS_UID, 'UI')),
    element(0x0002, 0x0013, 'SH', text(IMPLEMENTATION_VERSION_NAME, 'SH')),
  ];
  const source = meta.sourceAeTitle?.trim();
  if (source) elements.push(element(0x0002, 0x0016, 'AE', text(source, 'AE')));
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(body.length, 8);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, body]);
}

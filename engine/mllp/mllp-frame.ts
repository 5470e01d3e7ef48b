// MLLP framing bytes (standards-mappings.md 7.1; HAPI START_BYTE, END_BYTE1, END_BYTE2):
// a frame is VT, the payload, then FS CR.
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

const START = Buffer.from([VT]);
const END = Buffer.from([FS, CR]);

// Wraps an unframed payload (HL7 message bytes, already encoded) in one MLLP frame.
export function frameMllp(payload: Buffer): Buffer {
  return Buffer.concat([START, payload, END], payload.length + 3);
}

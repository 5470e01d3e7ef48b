// Transfer syntaxes the archive accepts, stores as sent and can read (PS3.5 Annex A, PS3.6 Table A-1).
export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  JpegBaseline: '1.2.840.10008.1.2.4.50',
  JpegExtended: '1.2.840.10008.1.2.4.51',
  JpegLosslessNonHierarchical: '1.2.840.10008.1.2.4.57',
  JpegLossless: '1.2.840.10008.1.2.4.70',
  JpegLsLossless: '1.2.840.10008.1.2.4.80',
  JpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  Jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  Jpeg2000: '1.2.840.10008.1.2.4.91',
  HtJpeg2000Lossless: '1.2.840.10008.1.2.4.201',
  HtJpeg2000LosslessRpcl: '1.2.840.10008.1.2.4.202',
  HtJpeg2000: '1.2.840.10008.1.2.4.203',
  RleLossless: '1.2.840.10008.1.2.5',
  Mpeg2MainProfile: '1.2.840.10008.1.2.4.100',
  Mpeg2HighProfile: '1.2.840.10008.1.2.4.101',
  Mpeg4HighProfile: '1.2.840.10008.1.2.4.102',
  Mpeg4BdCompatibleHighProfile: '1.2.840.10008.1.2.4.103',
  Hevc: '1.2.840.10008.1.2.4.107',
} as const;

export type TransferSyntaxUid = (typeof TransferSyntax)[keyof typeof TransferSyntax];

const ALL: ReadonlySet<string> = new Set(Object.values(TransferSyntax));

export function isSupportedTransferSyntax(uid: string): boolean {
  return ALL.has(uid);
}

/** How the data set itself is encoded: every supported syntax but implicit VR is explicit VR little endian. */
export function datasetEncoding(uid: string): { explicit: boolean; deflated: boolean } {
  return { explicit: uid !== TransferSyntax.ImplicitVRLittleEndian, deflated: uid === TransferSyntax.DeflatedExplicitVRLittleEndian };
}

/** Uncompressed syntaxes, preferred in this order for services that exchange small data sets. */
export const UNCOMPRESSED_PREFERENCE: readonly string[] = [TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian];

/** For services exchanging small data sets (C-ECHO, C-FIND): explicit VR little endian, else implicit. */
export function chooseUncompressed(proposed: readonly string[]): string | undefined {
  return UNCOMPRESSED_PREFERENCE.find((ts) => proposed.includes(ts));
}

/**
 * For storage: a compressed syntax the sender proposes is taken (the first, in the sender's order)
 * so images are kept as the modality compressed them; otherwise explicit VR little endian (VRs
 * preserved), then implicit, then deflated.
 */
export function chooseAsSent(proposed: readonly string[]): string | undefined {
  const compressed = proposed.find((ts) => isSupportedTransferSyntax(ts) && !UNCOMPRESSED_PREFERENCE.includes(ts) && ts !== TransferSyntax.DeflatedExplicitVRLittleEndian);
  return compressed ?? [...UNCOMPRESSED_PREFERENCE, TransferSyntax.DeflatedExplicitVRLittleEndian].find((ts) => proposed.includes(ts));
}

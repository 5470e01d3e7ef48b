// SOP classes the archive serves (PS3.4). Storage SOP classes are recognised by rule rather than
// listed one by one, so that classes added to the standard later are stored too.
export const SopClass = {
  Verification: '1.2.840.10008.1.1',
  PatientRootFind: '1.2.840.10008.5.1.4.1.2.1.1',
  StudyRootFind: '1.2.840.10008.5.1.4.1.2.2.1',
  PatientRootMove: '1.2.840.10008.5.1.4.1.2.1.2',
  PatientRootGet: '1.2.840.10008.5.1.4.1.2.1.3',
  StudyRootMove: '1.2.840.10008.5.1.4.1.2.2.2',
  StudyRootGet: '1.2.840.10008.5.1.4.1.2.2.3',
  ModalityWorklistFind: '1.2.840.10008.5.1.4.31',
  ModalityPerformedProcedureStep: '1.2.840.10008.3.1.2.3.3',
  StorageCommitmentPushModel: '1.2.840.10008.1.20.1',
  /** The well-known SOP Instance of Storage Commitment Push Model (PS3.4 J.3.5). */
  StorageCommitmentPushModelInstance: '1.2.840.10008.1.20.1.1',
} as const;

/** Composite storage classes outside the 1.2.840.10008.5.1.4.1.1 branch (PS3.4 B.5, GG, and the non-patient objects). */
const OTHER_STORAGE: ReadonlySet<string> = new Set([
  '1.2.840.10008.5.1.4.34.7', // RT Beams Delivery Instruction Storage
  '1.2.840.10008.5.1.4.34.10', // RT Brachy Application Setup Delivery Instruction Storage
  '1.2.840.10008.5.1.4.38.1', // Hanging Protocol Storage
  '1.2.840.10008.5.1.4.39.1', // Color Palette Storage
  '1.2.840.10008.5.1.4.43.1', // Generic Implant Template Storage
  '1.2.840.10008.5.1.4.44.1', // Implant Assembly Template Storage
  '1.2.840.10008.5.1.4.45.1', // Implant Template Group Storage
]);

/** Query/retrieve classes that share the storage branch (Protocol Approval FIND/MOVE/GET). */
const NOT_STORAGE: ReadonlySet<string> = new Set(['1.2.840.10008.5.1.4.1.1.200.4', '1.2.840.10008.5.1.4.1.1.200.5', '1.2.840.10008.5.1.4.1.1.200.6']);

const STORAGE_BRANCH = '1.2.840.10008.5.1.4.1.1.';

/** True for every standard storage SOP class (images, SR, presentation states, waveforms, RT, ...). */
export function isStorageSopClass(uid: string): boolean {
  if (OTHER_STORAGE.has(uid)) return true;
  return uid.startsWith(STORAGE_BRANCH) && uid.length > STORAGE_BRANCH.length && !NOT_STORAGE.has(uid) && /^[0-9.]+$/.test(uid);
}

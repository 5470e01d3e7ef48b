// The archive list's filters as /api/studies takes them (it refuses names it does not know):
// a name typed as "doe jane" is matched as a DICOM name, a modality in any case.
import type { GetListParams, ResourceCallbacks } from 'react-admin';
import { nameSearch } from './dicom-values';

export function studyApiFilter(filter: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...filter };
  if (typeof out.patientName === 'string') out.patientName = nameSearch(out.patientName);
  if (typeof out.modality === 'string') out.modality = out.modality.trim().toUpperCase();
  return out;
}

export const studyCallbacks: ResourceCallbacks = {
  resource: 'studies',
  beforeGetList: async (params: GetListParams) => ({ ...params, filter: studyApiFilter(params.filter as Record<string, unknown>) }),
};

// The worklist's filters as the list keeps them and as /api/worklist takes them. The list keeps
// `when` (today and upcoming, today, all dates) rather than a date, so a page left open overnight,
// or a filter remembered from yesterday, still means "from today" when the request is made.
import type { GetListParams, ResourceCallbacks } from 'react-admin';
import { localDay, nameSearch } from '../studies/dicom-values';

export const WHEN_CHOICES = [
  { id: 'upcoming', name: 'Today and upcoming' },
  { id: 'today', name: 'Today' },
  { id: 'all', name: 'All dates' },
] as const;

export type When = (typeof WHEN_CHOICES)[number]['id'];

/** What the list shows first: what is still to come, from today on. */
export const DEFAULT_WORKLIST_FILTER = { when: 'upcoming' satisfies When };

/** The list's filter -> /api/worklist's: `when` becomes scheduledFrom/scheduledTo unless a date was picked. */
export function worklistApiFilter(filter: Record<string, unknown>, today: string = localDay()): Record<string, unknown> {
  const { when, ...rest } = filter;
  const out: Record<string, unknown> = { ...rest };
  if (typeof out.patientName === 'string') out.patientName = nameSearch(out.patientName);
  if (typeof out.modality === 'string') out.modality = out.modality.trim().toUpperCase();
  if (out.scheduledDate) return out;
  if (when === 'upcoming') return { ...out, scheduledFrom: today };
  if (when === 'today') return { ...out, scheduledFrom: today, scheduledTo: today };
  return out;
}

export const worklistCallbacks: ResourceCallbacks = {
  resource: 'worklist',
  beforeGetList: async (params: GetListParams) => ({ ...params, filter: worklistApiFilter(params.filter as Record<string, unknown>) }),
};

// The appliance's roles (interfaces.md). The server checks them on every route; the UI only hides
// what a role cannot use.
export const ROLES = {
  admin: 'admin',
  analyst: 'analyst',
  radiologist: 'radiologist',
  referrer: 'referrer',
  technician: 'technician',
} as const;

export type Role = (typeof ROLES)[keyof typeof ROLES];

export const ROLE_CHOICES = Object.values(ROLES).map((id) => ({ id, name: id.charAt(0).toUpperCase() + id.slice(1) }));

/** Who works with channels, messages and alerts (the server's rule for /api/channels, /api/messages, /api/alerts). */
export function worksWithChannels(role: Role | undefined): boolean {
  return role === ROLES.admin || role === ROLES.analyst;
}

/** Who reads the Modality Worklist (the server's rule for /api/worklist). */
export function readsWorklist(role: Role | undefined): boolean {
  return role === ROLES.admin || role === ROLES.analyst || role === ROLES.technician || role === ROLES.radiologist;
}

/** Who reads the archive's studies, series and instances (the server's rule for /api/studies, /api/series, /api/instances). */
export function readsStudies(role: Role | undefined): boolean {
  return role !== undefined && (Object.values(ROLES) as string[]).includes(role);
}

/** Who writes notes on series (the server's rule for PUT /api/series/:id). */
export function writesSeriesNotes(role: Role | undefined): boolean {
  return role === ROLES.admin || role === ROLES.radiologist || role === ROLES.technician;
}

/** Who reads reports (the server's rule for GET /api/reports); referrers get final and amended ones only. */
export function readsReports(role: Role | undefined): boolean {
  return role === ROLES.admin || role === ROLES.radiologist || role === ROLES.technician || role === ROLES.referrer;
}

/** Who writes, signs and amends reports (the server's rule for POST and PUT /api/reports). */
export function writesReports(role: Role | undefined): boolean {
  return role === ROLES.admin || role === ROLES.radiologist;
}

/** Who reads reports that are not signed yet (everyone who reads reports except referrers). */
export function readsUnsignedReports(role: Role | undefined): boolean {
  return readsReports(role) && role !== ROLES.referrer;
}

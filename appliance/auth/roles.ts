// The roles of interfaces.md. Checked on the server for every route; the UI only hides what a role cannot do.
export const ROLES = {
  admin: 'admin',
  analyst: 'analyst',
  radiologist: 'radiologist',
  referrer: 'referrer',
  technician: 'technician',
} as const;

export type Role = (typeof ROLES)[keyof typeof ROLES];

export const ALL_ROLES: readonly Role[] = Object.values(ROLES);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}

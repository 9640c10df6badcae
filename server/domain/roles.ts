/**
 * Who may do what. Roles rank super-admin > admin > installer > user; `user` has no API access.
 */
export const ROLES = ['super-admin', 'admin', 'installer', 'user'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { 'super-admin': 3, admin: 2, installer: 1, user: 0 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** The caller of an admin API request, resolved from its Bearer token. */
export interface Principal {
  tokenId: string;
  /** The user the token belongs to; null for the first-start super-admin token. */
  userId: string | null;
  role: Role;
  /** Installers (and site-scoped admins) act on one site; null means every site. */
  siteId: string | null;
  /** For audit events: a readable name of who acted, never the token itself. */
  name: string;
}

/** The caller of an agent report: one device, by its device token. */
export interface DevicePrincipal {
  deviceId: string;
  mac: string;
}

import type { Role } from './roles.ts';

/** An admin API token; only its SHA-256 is stored. */
export interface ApiToken {
  id: string;
  name: string;
  role: Exclude<Role, 'user'>;
  userId: string | null;
  /** Installers act on one site. */
  siteId: string | null;
  hash: string;
  bootstrap: boolean;
  createdAt: string;
  revokedAt: string | null;
}

import type { Role } from './roles.ts';

export interface User {
  id: string;
  name: string;
  /** Lower-case; unique. */
  email: string;
  role: Role;
  siteId: string;
  /** Holds a phone licence; losing it unbinds the user's devices (restorable, see retention.ts). */
  licensed: boolean;
  /** The user's primary extension: every user device registers it. */
  extensionNumber: number;
  createdAt: string;
  updatedAt: string;
}

import { appError } from '../errors.ts';
import type { Principal, Role } from '../domain/roles.ts';
import { importAllOrNothing } from './all-or-nothing-import.ts';
import { audit, type ServiceContext } from './context.ts';
import type { DeviceService } from './device-service.ts';
import type { UserService } from './user-service.ts';

/** A user row of an import (one CSV line). */
export interface ImportUserRow {
  line: number;
  kind: 'user';
  name: string;
  email: string;
  siteId: string;
  extension?: number;
  role?: Role;
  licensed?: boolean;
}

/** A device row: bound to a user of the file or the store (`userEmail` or `userId`), or standalone. */
export interface ImportDeviceRow {
  line: number;
  kind: 'device';
  mac: string;
  model: string;
  siteId: string;
  userEmail?: string;
  userId?: string;
  standalone?: boolean;
  label?: string;
  profileId?: string;
}

export type ImportRow = ImportUserRow | ImportDeviceRow;

/** All-or-nothing import of user and device rows (one CSV file). */
export function createImportService(ctx: ServiceContext, users: UserService, devices: DeviceService) {
  const { store } = ctx;

  function applyRow(actor: Principal, row: ImportRow): void {
    if (row.kind === 'user') {
      const { line, kind, ...input } = row;
      users.create(actor, input);
      return;
    }
    const { line, kind, userEmail, ...input } = row;
    if (userEmail !== undefined) {
      if (input.userId !== undefined) {
        throw appError('INVALID_FIELD', 'give userEmail or userId, not both', { field: 'userEmail' });
      }
      const user = store.users.getByEmail(userEmail.toLowerCase());
      if (user === undefined) {
        throw appError('UNKNOWN_REFERENCE', `userEmail: no user has the email ${userEmail}`, { field: 'userEmail' });
      }
      input.userId = user.id;
    }
    devices.create(actor, input);
  }

  return {
    /**
     * Applies every row in order inside one transaction, each row in its own savepoint, so every
     * row is checked against the store plus the rows before it. Any bad row rolls everything back
     * and the error lists each bad row with its line: all or nothing.
     */
    run(actor: Principal, rows: ImportRow[]): { users: number; devices: number } {
      return importAllOrNothing(store, rows, (row) => applyRow(actor, row), () => {
        const counts = {
          users: rows.filter((r) => r.kind === 'user').length,
          devices: rows.filter((r) => r.kind === 'device').length,
        };
        audit(ctx, actor, 'import.apply', { type: 'import', id: ctx.newId() }, null, counts);
        return counts;
      });
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;

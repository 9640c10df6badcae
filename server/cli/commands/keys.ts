import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../output.ts';
import { dataDirOf } from './backup.ts';

/**
 * `deskprov keys rotate`: a new secret-sealing key, every stored secret re-sealed with it, the
 * old key dropped. Safe while the server runs: it re-reads the key file when it changes.
 */
export function keysCommand(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('the key that seals secrets at rest (<data>/secret.key)');
  keys
    .command('rotate')
    .description('make a new key, re-seal every secret with it, drop the old key')
    .option('--data <dir>', 'data folder (DESKPROV_DATA, default ./data)')
    .action(async (flags: { data?: string }) => {
      const { openDatabase } = await import('../../store/database.ts');
      const { rotateKey } = await import('../../store/secret-box.ts');
      const dataDir = dataDirOf(flags.data, io);
      if (!existsSync(path.join(dataDir, 'deskprov.db'))) throw new Error(`no database in ${dataDir}; is --data the server's data folder?`);
      const db = openDatabase(path.join(dataDir, 'deskprov.db'));
      try {
        const { keyId, resealed } = rotateKey(db, path.join(dataDir, 'secret.key'));
        io.stdout(`new key ${keyId}; ${resealed} secrets re-sealed; backups made before now need the old key file\n`);
      } finally {
        db.close();
      }
    });
}

import path from 'node:path';
import pino from 'pino';
import { DEFAULT_LIMITS, type Config } from '../../server/config.ts';
import { createPhoneFrontEnd } from '../../server/http/phone-front-end.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase } from '../../server/store/database.ts';
import { createDirectoryFileSource } from '../../server/tftp/directory-file-source.ts';
import type { TftpFileSource } from '../../server/tftp/tftp-file-source.ts';
import { startTftpServer } from '../../server/tftp/tftp-server.ts';
import { loadCatalog } from './seed.ts';

/**
 * deskprov's TFTP server as `serve` wires it (the phone pipeline as the file source, shared ban
 * list, JSON log lines to a file), plus a firmware folder for the names the pipeline does not
 * know, in its own process so it has a core like in.tftpd has.
 * Arguments: <data dir> <port> <firmware dir> <log file>. Prints "listening" when ready.
 */

const [dataDir, port, firmwareDir, logFile] = process.argv.slice(2) as [string, string, string, string];
const db = openDatabase(path.join(dataDir, 'deskprov.db'));
const catalog = loadCatalog();
const services = createServices({ db, catalog });
const logger = pino({ level: 'info' }, pino.destination({ dest: logFile, sync: true }));
const config: Config = {
  dataDir,
  databaseUrl: null,
  http: { host: '127.0.0.1', port: 0 },
  https: null,
  tftp: null,
  publicUrl: 'http://127.0.0.1:8080/',
  publicUrlDerived: false,
  discovery: [],
  logLevel: 'info',
  adminToken: undefined,
  limits: DEFAULT_LIMITS,
} as Config;
const front = createPhoneFrontEnd({ db, catalog, config, services, logger });
const firmware = createDirectoryFileSource(firmwareDir);
const source: TftpFileSource = {
  async open(name, client) {
    const file = await front.tftpSource.open(name, client);
    return file.kind === 'error' && file.code === 'NOT_FOUND' ? firmware.open(name, client) : file;
  },
};
const server = await startTftpServer({ host: '127.0.0.1', port: Number(port), source, isBanned: front.tftpIsBanned, logger });
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  void server.close().then(() => {
    front.close();
    db.close();
    process.exit(0);
  });
});

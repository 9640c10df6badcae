import { readCatalog } from '../../../server/io/read-catalog.ts';
import { createServices } from '../../../server/services/index.ts';
import { SYSTEM } from '../../../server/services/context.ts';
import { openDatabase } from '../../../server/store/database.ts';

/**
 * A separate process that creates `count` standalone devices on its own connection to the shared
 * database file, then prints the extension numbers it got as JSON. Arguments: one JSON object.
 */
const { file, catalogDir, siteId, macBase, count } = JSON.parse(process.argv[2] ?? '{}') as {
  file: string;
  catalogDir: string;
  siteId: string;
  macBase: number;
  count: number;
};
const db = openDatabase(file);
const services = createServices({ db, catalog: readCatalog(catalogDir) });
const numbers: number[] = [];
for (let i = 0; i < count; i++) {
  const mac = `001565${(macBase + i).toString(16).padStart(6, '0')}`;
  const device = services.devices.create(SYSTEM, { mac, model: 'yealink/t54w', siteId, standalone: true });
  numbers.push(device.binding?.extensionNumber ?? -1);
}
db.close();
process.stdout.write(JSON.stringify(numbers));

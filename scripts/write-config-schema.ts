import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFileJsonSchema } from '../server/config-file.ts';

// Writes docs/deskprov.schema.json from the TypeBox schema; a test checks the two agree.
writeFileSync(join(import.meta.dirname, '..', 'docs', 'deskprov.schema.json'), configFileJsonSchema());

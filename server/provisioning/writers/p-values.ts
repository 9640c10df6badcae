import { appError } from '../../errors.ts';
import { el, group, writeXml } from './xml-tree.ts';

/** Grandstream P-value names, and the newer `<item name>` form is out of scope: `P` + digits. */
const P_NAME = /^P\d{1,5}$/;

/**
 * Grandstream `<gs_provision version="1">` (VENDORS.md §5): an optional `<mac>` header, which
 * must match the device or be absent (so shared `cfg<model>.xml` files leave it out), then one
 * element per P-value. Refuses names that are not P-values (raw profile keys included).
 */
export function writePValues(entries: [string, string][], mac?: string): string {
  for (const [key] of entries) {
    if (!P_NAME.test(key)) {
      throw appError('RULE_VIOLATION', `"${key}" is not a Grandstream P-value name (P + digits)`, {
        field: key,
      });
    }
  }
  return writeXml(
    group('gs_provision', [
      ...(mac !== undefined ? [el('mac', mac)] : []),
      group('config', entries.map(([k, v]) => el(k, v)), [['version', '1']]),
    ], [['version', '1']]),
  );
}

import { writeXml } from './xml-tree.ts';

/**
 * Poly style: one element whose settings are attributes (`<polycomConfig reg.1.address="…"/>`,
 * VENDORS.md §2 "Syntax"). Values are attribute-escaped by the tree writer; control characters are
 * refused by the tree writer, since parsers would turn them into spaces.
 */
export function writeXmlAttributes(root: string, entries: [string, string][]): string {
  return writeXml({ name: root, attrs: entries }, { standalone: true });
}

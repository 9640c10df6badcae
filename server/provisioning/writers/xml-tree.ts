import { appError } from '../../errors.ts';
import { assertSafeText } from './safe-text.ts';

/**
 * A plain XML element description. Dialects build these as data; {@link writeXml} is the only
 * place that turns them into text, so every name is validated and every attribute value and text
 * node is escaped by construction (`& < > "`, hence also `]]>`).
 */
export interface XmlNode {
  name: string;
  /** Attributes in order. */
  attrs?: [string, string][];
  /** Text content (mutually exclusive with children in practice). */
  text?: string;
  children?: XmlNode[];
}

/** Shorthand for an element with text and optional attributes. */
export function el(name: string, text?: string | number, attrs?: [string, string][]): XmlNode {
  // Properties set one by one: object spreads here cost more than the rest of building a node.
  const node: XmlNode = { name };
  if (text !== undefined) node.text = String(text);
  if (attrs !== undefined) node.attrs = attrs;
  return node;
}

/** Shorthand for an element holding children. */
export function group(name: string, children: XmlNode[], attrs?: [string, string][]): XmlNode {
  const node: XmlNode = { name, children };
  if (attrs !== undefined) node.attrs = attrs;
  return node;
}

/** XML 1.0 Name (ASCII subset: what every phone's parser accepts). */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

function assertName(name: string): void {
  assertSafeText(name, name, 'key');
  if (!XML_NAME.test(name)) {
    throw appError('RULE_VIOLATION', `"${name}" is not a valid XML element or attribute name`, {
      field: name,
    });
  }
}

/** Text content: `&`, `<` and `>` escaped, so the parsed value is exactly the original text. */
function escapeText(value: string): string {
  // Most values need no escaping: one scan instead of three replacements.
  if (!TEXT_SPECIAL.test(value)) return value;
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Attribute values additionally escape `"` (they are always double-quoted). */
function escapeAttribute(value: string): string {
  if (!ATTRIBUTE_SPECIAL.test(value)) return value;
  return escapeText(value).replaceAll('"', '&quot;');
}

const TEXT_SPECIAL = /[&<>]/;
const ATTRIBUTE_SPECIAL = /[&<>"]/;
const INDENTS = Array.from({ length: 16 }, (_, depth) => '  '.repeat(depth));

/**
 * A repeated attribute name keeps its first position and takes the last value (DOM setAttribute,
 * which `new Map(attrs)` reproduces); elements carry a few attributes, so a pairwise scan is cheap.
 */
function hasRepeatedName(attrs: ReadonlyArray<[string, string]>): boolean {
  for (let i = 1; i < attrs.length; i++) {
    for (let j = 0; j < i; j++) if ((attrs[i] as [string, string])[0] === (attrs[j] as [string, string])[0]) return true;
  }
  return false;
}

/**
 * One element at `depth`: children one per line, indented two spaces per level; a text-only
 * element on one line; an element with neither as `<name/>`. The same checks run in the same
 * order as the elements are written, so the first bad name or value is the one reported.
 */
function write(node: XmlNode, depth: number, out: string[]): void {
  assertName(node.name);
  const indent = INDENTS[depth] ?? '  '.repeat(depth);
  const attrs = node.attrs ?? [];
  for (const [key, value] of attrs) {
    assertName(key);
    assertSafeText(value, `${node.name}@${key}`, 'value');
  }
  let open = `${indent}<${node.name}`;
  for (const [key, value] of hasRepeatedName(attrs) ? [...new Map(attrs)] : attrs) open += ` ${key}="${escapeAttribute(value)}"`;
  if (node.text !== undefined) assertSafeText(node.text, node.name, 'value');
  const text = node.text ?? '';
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push(text === '' ? `${open}/>` : `${open}>${escapeText(text)}</${node.name}>`);
    return;
  }
  out.push(`${open}>`);
  if (text !== '') out.push(`${indent}  ${escapeText(text)}`);
  for (const child of children) write(child, depth + 1, out);
  out.push(`${indent}</${node.name}>`);
}

/**
 * Serialises one document: `<?xml version="1.0" encoding="UTF-8"?>` (plus `standalone="yes"` for
 * Poly, as in its samples), two-space indentation, LF line ends. Pure and deterministic.
 *
 * Written directly rather than through xmlbuilder2's DOM: the output is byte-for-byte what
 * xmlbuilder2's pretty printer gave (the golden files pin it), at a fraction of the cost — building
 * a DOM per render was most of a config's render time (docs/PERFORMANCE.md).
 */
export function writeXml(root: XmlNode, options: { standalone?: boolean } = {}): string {
  const out = [`<?xml version="1.0" encoding="UTF-8"${options.standalone === true ? ' standalone="yes"' : ''}?>`];
  write(root, 0, out);
  return `${out.join('\n')}\n`;
}

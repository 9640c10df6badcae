import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { appError } from '../../errors.ts';
import { assertSafeText } from './safe-text.ts';

/**
 * A plain XML element description. Dialects build these as data; {@link writeXml} is the only
 * place that turns them into text, through xmlbuilder2, so every name is validated and every
 * attribute value and text node is escaped by construction (`& < > "` and `]]>`).
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
  return {
    name,
    ...(text !== undefined ? { text: String(text) } : {}),
    ...(attrs !== undefined ? { attrs } : {}),
  };
}

/** Shorthand for an element holding children. */
export function group(name: string, children: XmlNode[], attrs?: [string, string][]): XmlNode {
  return { name, children, ...(attrs !== undefined ? { attrs } : {}) };
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

/**
 * xmlbuilder2 escapes `&` only when it does not already start an entity reference, so a value
 * `&lt;` or `&foo;` would reach the phone as markup (an undefined entity breaks the whole file).
 * Turning every `&` into `&amp;` first makes each one such a reference, which it then keeps:
 * the parsed value is exactly the original text.
 */
function literalAmpersands(value: string): string {
  return value.replaceAll('&', '&amp;');
}

function append(parent: XMLBuilder, node: XmlNode): void {
  assertName(node.name);
  const child = parent.ele(node.name);
  for (const [key, value] of node.attrs ?? []) {
    assertName(key);
    assertSafeText(value, `${node.name}@${key}`, 'value');
    child.att(key, literalAmpersands(value));
  }
  if (node.text !== undefined) {
    assertSafeText(node.text, node.name, 'value');
    if (node.text !== '') child.txt(literalAmpersands(node.text));
  }
  for (const c of node.children ?? []) append(child, c);
}

/**
 * Serialises one document: `<?xml version="1.0" encoding="UTF-8"?>` (plus `standalone="yes"` for
 * Poly, as in its samples), two-space indentation, LF line ends. Pure and deterministic.
 */
export function writeXml(root: XmlNode, options: { standalone?: boolean } = {}): string {
  const doc = create({
    version: '1.0',
    encoding: 'UTF-8',
    ...(options.standalone === true ? { standalone: true } : {}),
  });
  append(doc, root);
  return `${doc.end({ prettyPrint: true, indent: '  ', newline: '\n' })}\n`;
}

import { create } from 'xmlbuilder2';

/**
 * Reads an XML document back to a flat map through xmlbuilder2's parser (the real parser, not a
 * regex). Keys are element paths; each step is the element name plus its identity attributes
 * (`line[button=1,lineIndex=1]`) and `#n` when siblings share that identity. Attributes listed in
 * `valueAttrs` (or all, with `'*'`) are values instead: `path@attr`. Leaves map to their text.
 */
export interface XmlReadOptions {
  valueAttrs?: readonly string[] | '*';
}

interface DomElement {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  attributes: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<DomElement>;
}

/**
 * xmlbuilder2's parser decodes named entities before character references, so `&amp;#60;` (the
 * text `&#60;`) comes back as `<`. `&#38;` is the same character as `&amp;` to any XML parser and
 * is decoded in the same pass as other references, which keeps the reading exact.
 */
function singleDecode(text: string): string {
  return text.replaceAll('&amp;', '&#38;');
}

export function readXml(text: string, options: XmlReadOptions = {}): Map<string, string> {
  const out = new Map<string, string>();
  // Whitespace-only text is a value here (a display name of one space), not indentation.
  const root = create({ skipWhitespaceOnlyText: false }, singleDecode(text)).root().node as unknown as DomElement;
  const isValueAttr = (name: string): boolean =>
    options.valueAttrs === '*' || (options.valueAttrs ?? []).includes(name);
  const put = (key: string, value: string): void => {
    if (out.has(key)) throw new Error(`duplicate key ${key}`);
    out.set(key, value);
  };
  const identity = (el: DomElement): string => {
    const attrs = Array.from(el.attributes)
      .filter((a) => !isValueAttr(a.name))
      .map((a) => `${a.name}=${a.value}`);
    return attrs.length === 0 ? el.nodeName : `${el.nodeName}[${attrs.join(',')}]`;
  };
  const walk = (el: DomElement, path: string): void => {
    for (const a of Array.from(el.attributes)) if (isValueAttr(a.name)) put(`${path}@${a.name}`, a.value);
    const children = Array.from(el.childNodes).filter((c) => c.nodeType === 1);
    if (children.length === 0) {
      put(path, el.textContent ?? '');
      return;
    }
    const counts = new Map<string, number>();
    for (const c of children) counts.set(identity(c), (counts.get(identity(c)) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const c of children) {
      const id = identity(c);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      walk(c, `${path}/${(counts.get(id) ?? 0) > 1 ? `${id}#${n}` : id}`);
    }
  };
  walk(root, identity(root));
  return out;
}

/** Obihai TR-104 lists: `<Object><Name>obj</Name><ParameterValueStruct>…` → `obj` + `param`. */
export function readParameterList(text: string): Map<string, string> {
  const flat = readXml(text);
  const out = new Map<string, string>();
  const objects = new Map<string, string>();
  for (const [key, value] of flat) {
    const m = /^ParameterList\/(Object(?:#\d+)?)\/Name$/.exec(key);
    if (m !== null) objects.set(m[1] as string, value);
  }
  for (const [key, value] of flat) {
    const m = /^ParameterList\/(Object(?:#\d+)?)\/(ParameterValueStruct(?:#\d+)?)\/Value$/.exec(key);
    if (m === null) continue;
    const name = flat.get(`ParameterList/${m[1]}/${m[2]}/Name`);
    const full = `${objects.get(m[1] as string)}${name}`;
    if (out.has(full)) throw new Error(`duplicate key ${full}`);
    out.set(full, value);
  }
  for (const key of flat.keys()) {
    if (!/^ParameterList\/Object(?:#\d+)?\/(Name|ParameterValueStruct(?:#\d+)?\/(Name|Value))$/.test(key)) {
      throw new Error(`unexpected element ${key}`);
    }
  }
  return out;
}

/**
 * File-name templates of the catalogue (`{mac}.cfg`, `SEP{MAC}.cnf.xml`, `snom{MODEL}-{MAC}.htm`):
 * checking them, turning them into matchers and back into the name a vendor expects.
 * Pure: strings in, strings out.
 */

/** The placeholders a file name may use (types.ts `ModelFile.name`). */
export const PLACEHOLDERS = ['{mac}', '{MAC}', '{model}', '{MODEL}'] as const;

const PLACEHOLDER_RE = /\{[^}]*\}/g;
/** Literal characters allowed around placeholders: what phones actually request, nothing that walks paths. */
const LITERAL_RE = /^[A-Za-z0-9._-]*$/;

/** Why a file-name template is unusable, or null when it is fine. */
export function fileNameProblem(name: string): string | null {
  const found = name.match(PLACEHOLDER_RE) ?? [];
  const unknown = found.find((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown !== undefined) return `unknown placeholder ${unknown} (allowed: ${PLACEHOLDERS.join(' ')})`;
  if (found.filter((p) => p === '{mac}' || p === '{MAC}').length > 1) return 'more than one MAC placeholder';
  const literal = name.replace(PLACEHOLDER_RE, '');
  if (!LITERAL_RE.test(literal)) return 'only letters, digits, dot, dash and underscore may surround placeholders';
  if (literal.includes('..')) return 'must not contain ".."';
  if (name.length === 0 || name.length > 255) return 'must be 1 to 255 characters';
  return null;
}

/** True when the template carries the device's MAC (a per-device file). */
export function hasMacPlaceholder(name: string): boolean {
  return name.includes('{mac}') || name.includes('{MAC}');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The matcher of a template for one model: case-insensitive (VENDORS.md rule 2), anchored, with a
 * named group `mac` when the name carries one. `key` is the same for every model whose template
 * expands to the same text, so shared names compile once.
 */
export function fileNameMatcher(name: string, modelToken: string): { key: string; source: string } {
  const expanded = name.replaceAll('{model}', modelToken.toLowerCase()).replaceAll('{MODEL}', modelToken.toUpperCase());
  const key = expanded.replace(/\{mac\}|\{MAC\}/g, '{mac}').toLowerCase();
  const source = `^${key.split('{mac}').map(escapeRegExp).join('(?<mac>[0-9a-f]{12})')}$`;
  return { key, source };
}

/** The name the vendor expects for this template, model and (canonical lowercase) MAC. */
export function renderFileName(name: string, modelToken: string, mac?: string): string {
  let out = name.replaceAll('{model}', modelToken.toLowerCase()).replaceAll('{MODEL}', modelToken.toUpperCase());
  if (mac !== undefined) out = out.replaceAll('{mac}', mac.toLowerCase()).replaceAll('{MAC}', mac.toUpperCase());
  return out;
}

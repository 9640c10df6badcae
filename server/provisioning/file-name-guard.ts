/**
 * The one file-name guard shared by every phone-facing front end (HTTP and TFTP). Pure: a name in,
 * the same name or a refusal out. It never normalises (no stripping of slashes, no decoding): a
 * name that needs fixing is refused, so what is logged is exactly what was asked for.
 *
 * Refused, each with its reason (tftp-hpa's PATH VALIDATION refuses the same classes):
 * - `empty`:       `""`
 * - `too-long`:    more than 255 bytes in UTF-8
 * - `control`:     any C0 control (U+0000–U+001F), DEL (U+007F) or C1 control (U+0080–U+009F)
 * - `absolute`:    a leading `/` (`/etc/passwd`). TFTP clients send the name as typed (tftp-hpa
 *                  `get x`, curl `tftp://host/x` sends `x`), and phone file names are relative, so
 *                  there is nothing to strip.
 * - `backslash`:   any `\` (`..\..\boot.ini`, `\etc`), since some stacks treat it as a separator
 * - `dot-segment`: a `..` path segment (`../x`, `a/../../x`, `..`)
 */

export type FileNameRefusal = 'empty' | 'too-long' | 'control' | 'absolute' | 'backslash' | 'dot-segment';

export type FileNameCheck =
  | { ok: true; name: string }
  | { ok: false; code: 'INVALID_FILE_NAME'; reason: FileNameRefusal };

/** Longest accepted name in bytes: the usual file-name limit (NAME_MAX on Linux). */
export const MAX_FILE_NAME_BYTES = 255;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** A UTF-16 code unit is at most 3 bytes of UTF-8: a name this short cannot be too long. */
const SURELY_SHORT = Math.floor(MAX_FILE_NAME_BYTES / 3);

function refuse(reason: FileNameRefusal): FileNameCheck {
  return { ok: false, code: 'INVALID_FILE_NAME', reason };
}

/** Check a requested file name; returns it unchanged when it is safe to resolve below a root. */
export function checkFileName(name: string): FileNameCheck {
  if (name.length === 0) return refuse('empty');
  // Every phone request passes here: the byte count is computed only when it could matter.
  if (name.length > SURELY_SHORT && Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return refuse('too-long');
  if (CONTROL.test(name)) return refuse('control');
  if (name.startsWith('/')) return refuse('absolute');
  if (name.includes('\\')) return refuse('backslash');
  if (name === '..' || name.startsWith('../') || name.endsWith('/..') || name.includes('/../')) return refuse('dot-segment');
  return { ok: true, name };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFileName, MAX_FILE_NAME_BYTES, type FileNameCheck, type FileNameRefusal } from '../../../server/provisioning/file-name-guard.ts';

/** The guard's rules as its header states them, written plainly: the shortcuts must agree with it. */
function asSpecified(name: string): FileNameCheck {
  const refuse = (reason: FileNameRefusal): FileNameCheck => ({ ok: false, code: 'INVALID_FILE_NAME', reason });
  if (name.length === 0) return refuse('empty');
  if (new TextEncoder().encode(name).length > MAX_FILE_NAME_BYTES) return refuse('too-long');
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(name)) return refuse('control');
  if (name.startsWith('/')) return refuse('absolute');
  if (name.includes('\\')) return refuse('backslash');
  if (name.split('/').includes('..')) return refuse('dot-segment');
  return { ok: true, name };
}

const refused: Array<[name: string, reason: FileNameRefusal]> = [
  ['', 'empty'],
  ['a'.repeat(256), 'too-long'],
  ['é'.repeat(128), 'too-long'],
  ['../../etc/passwd', 'dot-segment'],
  ['..', 'dot-segment'],
  ['cfg/../../secret', 'dot-segment'],
  ['cfg/..', 'dot-segment'],
  ['/etc/passwd', 'absolute'],
  ['/y000000000000.boot', 'absolute'],
  ['..\\..\\boot.ini', 'backslash'],
  ['\\etc\\passwd', 'backslash'],
  ['cfg\\a.cfg', 'backslash'],
  ['a\u0000b', 'control'],
  ['a\nb.cfg', 'control'],
  ['a\rb.cfg', 'control'],
  ['\u001b[31m.cfg', 'control'],
  ['a\u007fb', 'control'],
  ['a\u0085b', 'control'],
];

const accepted = [
  'y000000000000.boot',
  'SEP001122334455.cnf.xml',
  'snomD385-000413A1B2C3.htm',
  'Fanvil/0c383e112233.cfg',
  'firmware/T54W-96.86.0.70.rom',
  '..hidden',
  'a..b.cfg',
  'a'.repeat(255),
  'é'.repeat(127),
];

describe('checkFileName', () => {
  it.each(refused)('refuses %j as %s', (name, reason) => {
    expect(checkFileName(name)).toEqual({ ok: false, code: 'INVALID_FILE_NAME', reason });
  });

  it.each(accepted)('accepts %j unchanged', (name) => {
    expect(checkFileName(name)).toEqual({ ok: true, name });
  });

  it('gives the same verdict as the rules written plainly, for names of any length and alphabet', () => {
    // Dots, slashes, backslashes, multi-byte letters, an astral character, a lone surrogate and
    // controls, in runs long enough to cross the byte limit from either side.
    const piece = fc.constantFrom('.', '..', '/', '\\', 'a', 'cfg', 'é', '€', '😀', '\ud800', '\u0000', '\n', '\u0085', 'a'.repeat(40), '€'.repeat(30));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const name = pieces.join('');
        expect(checkFileName(name)).toEqual(asSpecified(name));
      }),
      { numRuns: 3_000 },
    );
  });
});

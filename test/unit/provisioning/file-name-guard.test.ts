import { describe, expect, it } from 'vitest';
import { checkFileName, type FileNameRefusal } from '../../../server/provisioning/file-name-guard.ts';

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
});

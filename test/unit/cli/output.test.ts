import { describe, expect, it } from 'vitest';
import { cell, details, pathValue, print, table, type CliIo } from '../../../server/cli/output.ts';

describe('table', () => {
  it('aligns columns, reads dotted paths and neutralises control characters', () => {
    const text = table(
      [
        { mac: '001565aabbcc', binding: { extension: { number: 1001 } }, label: 'evil\x1b[2J' },
        { mac: '0004f2123456', binding: null },
      ],
      ['mac', 'binding.extension.number', 'label'],
    );
    expect(text).toBe(
      ['MAC           BINDING  LABEL', '001565aabbcc  1001     evil?[2J', '0004f2123456'].join('\n') + '\n',
    );
  });
});

describe('cell, pathValue and details', () => {
  it('renders missing values empty and objects as JSON', () => {
    expect(cell(undefined)).toBe('');
    expect(cell(null)).toBe('');
    expect(cell({ a: 1 })).toBe('{"a":1}');
    expect(cell(true)).toBe('true');
    expect(pathValue({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(pathValue({ a: 1 }, 'a.b.c')).toBeUndefined();
    expect(details({ id: 's1', networks: ['10.0.0.0/24'] })).toBe('id: s1\nnetworks: ["10.0.0.0/24"]\n');
  });
});

describe('print', () => {
  it('prints JSON with --json and the human form otherwise', () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: () => {}, isTty: false, env: {} };
    print(io, true, { a: 1 }, () => 'human\n');
    print(io, false, { a: 1 }, () => 'human\n');
    expect(out).toEqual(['{\n  "a": 1\n}\n', 'human\n']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseImportCsv, problemReport, resolveSiteNames, serverProblems } from '../../../server/cli/csv-import.ts';

const HEADER = 'type,name,email,site,extension,role,mac,model,label,standalone';

describe('parseImportCsv', () => {
  it('turns user and device rows into the rows the import endpoint takes', () => {
    const csv = [
      HEADER,
      'user,Ada Lovelace,ada@example.com,s1,1001,admin,,,,',
      'device,,ada@example.com,s1,,,00:15:65:AA:BB:CC,yealink/t54w,,',
      'device,,,s1,,,0004.f212.3456,poly/vvx450,Lobby,true',
    ].join('\n');
    const { rows, problems } = parseImportCsv(csv);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, kind: 'user', name: 'Ada Lovelace', email: 'ada@example.com', siteId: 's1', extension: 1001, role: 'admin' },
      { line: 3, kind: 'device', mac: '001565aabbcc', model: 'yealink/t54w', siteId: 's1', userEmail: 'ada@example.com' },
      { line: 4, kind: 'device', mac: '0004f2123456', model: 'poly/vvx450', siteId: 's1', standalone: true, label: 'Lobby' },
    ]);
  });

  it('keeps quoted commas, quotes and non-ASCII names exactly', () => {
    const csv = `${HEADER}\nuser,"Doe, ""J"" 🙂 \u202Eevil",j@example.com,s1,,,,,,\n`;
    const { rows } = parseImportCsv(csv);
    expect(rows[0]).toMatchObject({ name: 'Doe, "J" 🙂 \u202Eevil' });
  });

  it('reports each bad row with its line number and field', () => {
    const csv = [
      HEADER,
      'user,A,a@example.com,s1,,,,,,',
      'user,,b@example.com,s1,,,,,,',
      'user,C,not-an-email,s1,,,,,,',
      'user,D,d@example.com,s1,12a,,,,,',
      'device,,,s1,,,01:00:5e:00:00:01,yealink/t54w,,true',
      'device,,,s1,,,001565aabbcc,Yealink T54W,,true',
      'device,,x@example.com,s1,,,001565aabbcd,yealink/t54w,,true',
      'device,,,s1,,,001565aabbce,yealink/t54w,,maybe',
      'phone,,,s1,,,,,,',
      'device,,,s1,,,,yealink/t54w,,true',
      '"user","E\rvil",e@example.com,s1,,,,,,',
    ].join('\n');
    const { rows, problems } = parseImportCsv(csv);
    expect(rows).toHaveLength(1);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'name'],
      [4, 'email'],
      [5, 'extension'],
      [6, 'mac'],
      [7, 'model'],
      [8, 'email'],
      [9, 'standalone'],
      [10, 'type'],
      [11, 'mac'],
      [12, 'name'],
    ]);
  });

  it('refuses unknown and missing columns naming the expected ones', () => {
    expect(parseImportCsv('type,name,colour\nuser,a,red').problems[0]?.message).toMatch(
      /^unknown columns: colour; missing columns: site \(columns: type,name,email/,
    );
  });

  it('reports an empty file, a header without rows and broken CSV', () => {
    expect(parseImportCsv('').problems).toEqual([{ line: 1, message: 'the file is empty' }]);
    expect(parseImportCsv(`${HEADER}\n`).problems).toEqual([{ line: 1, message: 'the file has a header but no rows' }]);
    expect(parseImportCsv(`${HEADER}\nuser,"unterminated`).problems[0]?.message).toMatch(/^not valid CSV/);
    expect(parseImportCsv(`${HEADER}\nuser,a,b`).problems[0]?.message).toMatch(/^not valid CSV/);
  });

  it('reports progress once per row', () => {
    const seen: Array<[number, number]> = [];
    parseImportCsv(`${HEADER}\nuser,A,a@example.com,s1,,,,,,\nuser,B,b@example.com,s1,,,,,,`, (done, total) => seen.push([done, total]));
    expect(seen).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });
});

describe('resolveSiteNames', () => {
  const sites = [
    { id: 'id-1', name: 'Berlin' },
    { id: 'id-2', name: 'Paris' },
    { id: 'id-3', name: 'Paris' },
  ];
  const row = (siteId: string) => ({ line: 2, kind: 'user' as const, name: 'A', email: 'a@example.com', siteId });

  it('replaces a unique site name by its id and leaves ids, ambiguous and unknown names alone', () => {
    expect(resolveSiteNames([row('Berlin'), row('id-2'), row('Paris'), row('Rome')], sites).map((r) => r.siteId)).toEqual([
      'id-1',
      'id-2',
      'Paris',
      'Rome',
    ]);
  });
});

describe('serverProblems and problemReport', () => {
  it('reads the rows the server rejected and prints them in line order', () => {
    const problems = serverProblems({
      errors: [
        { line: 9, code: 'DUPLICATE_MAC', field: 'mac', message: 'MAC already exists' },
        { line: 3, code: 'UNKNOWN_MODEL', message: 'no model x/y' },
        'garbage',
      ],
    });
    expect(problems).toHaveLength(2);
    expect(problemReport(problems)).toBe('line 3: no model x/y\nline 9 (mac): MAC already exists');
    expect(serverProblems(undefined)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import { defineDialect, eventUrl, expandName, keysFor, linesFor, splitUrl, textFile } from '../../../server/provisioning/dialect-kit.ts';
import { sampleInput } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, userDeviceSettings } from '../../helpers/sample-models.ts';

const model = SAMPLE_MODELS.snom;
const file = model?.files[0];
if (model === undefined || file === undefined) throw new Error('sample missing');

describe('dialect kit', () => {
  it('expands file-name placeholders in each case the vendor uses', () => {
    expect(expandName('snom{MODEL}-{MAC}.htm', model, '0004133a2b3c')).toBe('snomD385-0004133A2B3C.htm');
    expect(expandName('cfg{model}.xml', model)).toBe('cfgd385.xml');
    expect(expandName('{mac}.cfg', model)).toBe('{mac}.cfg');
  });

  it('keeps lines and keys within the model’s counts, in index order', () => {
    const settings = userDeviceSettings('snom');
    settings.lines.reverse();
    const input = sampleInput(model, file, settings);
    expect(linesFor(input).map((l) => l.index)).toEqual([1, 2]);
    expect(keysFor(input).map((k) => k.index)).toEqual([1, 2, 3]);
  });

  it('builds event URLs and splits provisioning URLs', () => {
    expect(eventUrl(userDeviceSettings('snom'), 'a=$mac')).toBe('http://prov.example.com/api/v1/phone-events?a=$mac');
    expect(splitUrl('HTTPS://h.example/p/')).toEqual({ scheme: 'https', hostPath: 'h.example/p/' });
    expect(splitUrl('h.example/p/')).toEqual({ scheme: 'http', hostPath: 'h.example/p/' });
  });

  it('adds the config revision to setup events only', () => {
    const settings = userDeviceSettings('snom');
    settings.status = { ...settings.status, revision: '5' };
    expect(eventUrl(settings, 'event=setup&mac=$mac')).toBe('http://prov.example.com/api/v1/phone-events?event=setup&mac=$mac&rev=5');
    expect(eventUrl(settings, 'event=startup')).toBe('http://prov.example.com/api/v1/phone-events?event=startup&rev=5');
    expect(eventUrl(settings, 'event=registered&mac=$mac')).toBe('http://prov.example.com/api/v1/phone-events?event=registered&mac=$mac');
    expect(eventUrl(settings, 'vendor=poly')).toBe('http://prov.example.com/api/v1/phone-events?vendor=poly');
  });

  it('answers NOT_FOUND for a template the dialect lacks, inherited names included', () => {
    const dialect = defineDialect('x', { only: () => textFile('x\n') });
    expect(dialect.templates).toEqual(['only']);
    for (const template of ['other', 'toString', '__proto__']) {
      try {
        dialect.render(sampleInput(model, { ...file, template }, userDeviceSettings('snom')));
        expect.unreachable();
      } catch (err) {
        expect(isAppError(err) && err.code).toBe('NOT_FOUND');
      }
    }
  });
});

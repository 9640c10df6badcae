import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import type { ModelProfile } from '../../../server/provisioning/types.ts';
import { READERS } from '../../helpers/readers/index.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, userDeviceSettings } from '../../helpers/sample-models.ts';

function sample(dialect: string): ModelProfile {
  const model = SAMPLE_MODELS[dialect];
  if (model === undefined) throw new Error(`no sample ${dialect}`);
  return model;
}

function render(dialect: string, template: string, edit: (s: ReturnType<typeof userDeviceSettings>) => void = () => {}, model = sample(dialect)): Map<string, string> {
  const file = model.files.find((f) => f.template === template);
  if (file === undefined) throw new Error(`no ${template} in ${dialect}`);
  const settings = userDeviceSettings(dialect);
  edit(settings);
  return READERS[dialect]?.(template, renderSample(model, file, settings).body.toString('utf8')) ?? new Map();
}

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? `${err.code} ${err.field ?? ''}` : 'OTHER';
  }
  return undefined;
}

describe('Yealink boot files', () => {
  it('list the common file then the MAC file, and only the common file when shared', () => {
    const model = sample('yealink');
    const shared = model.files.find((f) => f.name === 'y000000000000.boot');
    const own = model.files.find((f) => f.name === '{mac}.boot');
    if (shared === undefined || own === undefined) throw new Error('sample boot files missing');
    const read = (f: typeof own): Map<string, string> =>
      READERS.yealink?.('boot', renderSample(model, f, userDeviceSettings('yealink')).body.toString('utf8')) ?? new Map();
    expect([...read(own)].filter(([k]) => k.startsWith('include'))).toEqual([
      ['include:config#1', 'y000000000108.cfg'],
      ['include:config#2', '0015651a2b3c.cfg'],
    ]);
    expect([...read(shared)].filter(([k]) => k.startsWith('include'))).toEqual([['include:config#1', 'y000000000108.cfg']]);
  });

  it('refuse a catalogue file name with a quote, which would end the include', () => {
    const model = sample('yealink');
    const bad = { ...model, files: model.files.map((f) => (f.kind === 'common' ? { ...f, name: 'y"x.cfg' } : f)) };
    expect(refusal(() => render('yealink', 'boot', undefined, bad))).toBe('RULE_VIOLATION include:config');
  });
});

describe('Poly master file', () => {
  it('names the MAC file for one phone and the [PHONE_MAC_ADDRESS] placeholder when shared', () => {
    const model = sample('poly');
    const master = model.files.find((f) => f.template === 'master');
    if (master === undefined) throw new Error('no master');
    const shared = READERS.poly?.('master', renderSample(model, master, userDeviceSettings('poly')).body.toString('utf8'));
    expect(shared?.get('APPLICATION@CONFIG_FILES')).toBe('[PHONE_MAC_ADDRESS]-sip.cfg');
    const own = { ...master, name: '{mac}.cfg' };
    const mine = READERS.poly?.('master', renderSample(model, own, userDeviceSettings('poly')).body.toString('utf8'));
    expect(mine?.get('APPLICATION@CONFIG_FILES')).toBe('0015651a2b3c-sip.cfg');
  });
});

describe('Cisco flat profiles', () => {
  it('escape $ in URLs so the phone does not expand it as a macro', () => {
    const got = render('cisco-mpp', 'common', (s) => {
      s.provisioning.url = 'http://prov.example.com/$x/';
    });
    expect(got.get('flat-profile/Profile_Rule_B[ua=na]')).toBe('http://prov.example.com/$$x/$MA.xml');
  });

  it('put per-device credentials only into the device file’s rule', () => {
    expect(render('cisco-spa', 'common').get('flat-profile/Profile_Rule_B')).toBe('http://prov.example.com/p/spa$MA.xml');
    expect(render('cisco-spa', 'device').get('flat-profile/Profile_Rule_B')).toBe(
      '[--uid dev-0015651a2b3c --pwd prov-pass]http://prov.example.com/p/spa$MA.xml',
    );
  });

  it('refuse credentials that would end the rule’s option block', () => {
    const why = refusal(() =>
      render('cisco-mpp', 'device', (s) => {
        s.provisioning.credentials = { username: 'u', password: 'a] b' };
      }),
    );
    expect(why).toBe('RULE_VIOLATION provisioning.credentials.password');
  });

  it('refuse a BLF target that would add sub-fields to Extended_Function', () => {
    const why = refusal(() =>
      render('cisco-mpp', 'device', (s) => {
        s.keys = [{ index: 2, type: 'blf', value: '1010;nme=x', label: 'x' }];
      }),
    );
    expect(why).toBe('RULE_VIOLATION Extended_Function_2_');
  });
});

describe('Grandstream', () => {
  it('renders only the accounts its P-value table knows and no MAC header in the model file', () => {
    const wide = { ...sample('grandstream'), lines: 8 };
    const device = render('grandstream', 'device', (s) => {
      s.lines = Array.from({ length: 6 }, (_, i) => ({ ...s.lines[0], index: i + 1 }) as (typeof s.lines)[number]);
    }, wide);
    expect(device.get('gs_provision[version=1]/mac')).toBe('0015651a2b3c');
    expect(device.get('gs_provision[version=1]/config[version=1]/P601')).toBe('1');
    expect([...device.keys()].some((k) => k.endsWith('/P701'))).toBe(false);
    expect([...render('grandstream', 'common').keys()].some((k) => k.endsWith('/mac'))).toBe(false);
  });

  it('refuses a raw key that is not a P-value', () => {
    const why = refusal(() => render('grandstream', 'device', (s) => (s.raw = { 'account.1.x': '1' })));
    expect(why).toBe('RULE_VIOLATION account.1.x');
  });
});

describe('raw keys in element-based dialects', () => {
  it('Snom takes name[idx] and replaces the generated setting', () => {
    const got = render('snom', 'device', (s) => (s.raw = { 'user_realname[1]': 'Raw Name' }));
    expect(got.get('settings/phone-settings/user_realname[idx=1,perm=R]')).toBe('Raw Name');
  });

  it('Fanvil takes an element path, with [n] selecting an indexed element', () => {
    const got = render('fanvil', 'device', (s) => (s.raw = { 'sip/line[1]/DisplayName': 'Raw Name', 'net/NewKey': 'v' }));
    expect(got.get('sysConf/sip/line[index=1]/DisplayName')).toBe('Raw Name');
    expect(got.get('sysConf/net/NewKey')).toBe('v');
  });

  it('Obihai takes Object.Path.Param and replaces the generated parameter', () => {
    const got = render('obihai', 'device', (s) => (s.raw = { 'VoiceService.1.VoiceProfile.1.SIP.ProxyServer': 'raw.example' }));
    expect(got.get('VoiceService.1.VoiceProfile.1.SIP.ProxyServer')).toBe('raw.example');
  });

  it('Obihai refuses a raw key without an object path', () => {
    expect(refusal(() => render('obihai', 'device', (s) => (s.raw = { NoDot: '1' })))).toBe('RULE_VIOLATION NoDot');
  });

  it('Cisco enterprise puts raw keys in vendorConfig, replacing a generated one', () => {
    const got = render('cisco-sep', 'device', (s) => (s.raw = { lldpAdminStatus: '0' }));
    expect(got.get('device/vendorConfig/lldpAdminStatus')).toBe('0');
  });
});

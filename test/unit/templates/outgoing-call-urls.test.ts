import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../server/provisioning/withhold-secrets.ts';
import type { CanonicalSettings, ModelProfile } from '../../../server/provisioning/types.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, userDeviceSettings } from '../../helpers/sample-models.ts';

/**
 * The outgoing-call event URL that feeds the emergency-call notification: each vendor with a
 * dialled-number variable gets it in its device file, under its own key and event name, with the
 * device's event key; Aastra leaves it out rather than go past its 128-character URI limit.
 */

const KEY = '0015651a2b3cAbCdEfGhIjKlMnOpQrStUv';

function model(dialect: string): ModelProfile {
  const m = SAMPLE_MODELS[dialect];
  if (m === undefined) throw new Error(`no sample model for ${dialect}`);
  return m;
}

/** A user device's settings with its event key in the event URL, as resolve-settings.ts builds it. */
function keyed(dialect: string, publicUrl = 'http://10.0.0.5/'): CanonicalSettings {
  return { ...userDeviceSettings(dialect), status: { eventUrl: `${publicUrl}api/v1/events/${KEY}`, key: KEY, revision: '7' } };
}

function deviceText(dialect: string, settings: CanonicalSettings): string {
  const m = model(dialect);
  const file = m.files.find((f) => f.kind === 'device');
  if (file === undefined) throw new Error(`${m.id} has no device file`);
  return renderSample(m, file, settings).body.toString('utf8');
}

const VENDORS = [
  { dialect: 'yealink', line: /^action_url\.outgoing_call = (\S+)$/m, event: 'outgoing_call', variable: '$remote' },
  { dialect: 'snom', line: /<action_outgoing_url perm="R">([^<]+)</, event: 'outgoing', variable: '$remote' },
  { dialect: 'aastra', line: /^action uri outgoing: (\S+)$/m, event: 'outgoing', variable: '$$REMOTENUMBER$$' },
  { dialect: 'grandstream', line: /<P8311>([^<]+)</, event: 'outgoing_call', variable: '$remote' },
] as const;

describe('the outgoing-call event URL', () => {
  for (const v of VENDORS) {
    it(`${v.dialect}: the device file names the dialled number with ${v.variable} on the keyed event URL, without a revision`, () => {
      const raw = v.line.exec(deviceText(v.dialect, keyed(v.dialect)))?.[1];
      expect(raw, 'no outgoing-call URL').toBeDefined();
      const url = (raw as string).replace(/&amp;/g, '&');
      expect(url.startsWith(`http://10.0.0.5/api/v1/events/${KEY}?event=${v.event}&`)).toBe(true);
      expect(url.endsWith(`&number=${v.variable}`)).toBe(true);
      expect(url).not.toContain('rev=');
    });
  }

  it('fanvil has no outgoing-call URL and poly\'s one URL names no number: no dialled-number variable is known for them', () => {
    expect(deviceText('fanvil', keyed('fanvil'))).not.toMatch(/number=|outgoing/i);
    // Poly POSTs its outgoing-call document to the one URL; the number inside it is unverified.
    expect(/apps\.telNotification\.URL="([^"]+)"/.exec(deviceText('poly', keyed('poly')))?.[1]).toBe(`http://10.0.0.5/api/v1/events/${KEY}?vendor=poly`);
  });
});

describe('aastra: the 128-character action URI limit', () => {
  // 14 (`api/v1/events/`) + 34 (key) + 39 (query) leave 41 characters for the public URL.
  const fits = `http://${'a'.repeat(33)}/`;
  const tooLong = `http://${'a'.repeat(34)}/`;

  it('renders the URI at exactly 128 characters and leaves it out at 129, saying why in the file', () => {
    const at128 = deviceText('aastra', keyed('aastra', fits));
    const uri = /^action uri outgoing: (\S+)$/m.exec(at128)?.[1];
    expect(uri?.length).toBe(128);
    expect(at128).not.toContain('left out');

    const at129 = deviceText('aastra', keyed('aastra', tooLong));
    expect(at129).not.toMatch(/^action uri outgoing:/m);
    expect(at129.split('\n')[0]).toBe(
      '# action uri outgoing left out: it would be 129 characters, over the 128 the phone takes; a shorter public URL fits',
    );
  });

  it('counts the key at its full length where a preview masks it, so the preview decides as the served file does', () => {
    for (const publicUrl of [fits, tooLong]) {
      const served = deviceText('aastra', keyed('aastra', publicUrl));
      const preview = deviceText('aastra', maskSecrets(keyed('aastra', publicUrl)));
      expect(/^action uri outgoing:/m.test(preview)).toBe(/^action uri outgoing:/m.test(served));
    }
  });

  it('decides the shared aastra.cfg as the device file: a file without a key counts one', () => {
    const m = model('aastra');
    const common = m.files.find((f) => f.name === 'aastra.cfg');
    if (common === undefined) throw new Error('no aastra.cfg');
    const unkeyed = (publicUrl: string): CanonicalSettings => ({ ...userDeviceSettings('aastra'), status: { eventUrl: `${publicUrl}api/v1/events` } });
    expect(renderSample(m, common, unkeyed(fits)).body.toString('utf8')).toMatch(/^action uri outgoing: /m);
    expect(renderSample(m, common, unkeyed(tooLong)).body.toString('utf8')).not.toMatch(/^action uri outgoing: /m);
  });

  it('a raw profile key for the URI is kept and the file does not call it left out', () => {
    const settings = keyed('aastra', tooLong);
    settings.raw = { ...settings.raw, 'action uri outgoing': 'http://10.0.0.9/o?n=$$REMOTENUMBER$$' };
    const text = deviceText('aastra', settings);
    expect(text).toMatch(/^action uri outgoing: http:\/\/10\.0\.0\.9\/o\?n=\$\$REMOTENUMBER\$\$$/m);
    expect(text).not.toContain('left out');
  });
});

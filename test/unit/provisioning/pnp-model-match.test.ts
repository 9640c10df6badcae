import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../../server/io/read-catalog.ts';
import { matchPnpModel } from '../../../server/provisioning/pnp-model-match.ts';

const catalog = readCatalog(fileURLToPath(new URL('../../../firmware-profiles', import.meta.url)));

describe('matchPnpModel', () => {
  it.each([
    [{ vendor: 'snom', model: 'snomD785' }, 'snom/d785'],
    [{ vendor: 'Snom', model: 'D785' }, 'snom/d785'],
    [{ vendor: 'Yealink', model: 'SIP-T54W' }, 'yealink/t54w'],
    [{ vendor: 'yealink', model: 'T54W' }, 'yealink/t54w'],
    [{ vendor: 'Fanvil', model: 'X4U' }, 'fanvil/x4u'],
    [{ vendor: 'Grandstream', model: 'GXP2170' }, 'grandstream/gxp2170'],
  ])('finds the catalogue model a SUBSCRIBE names: %o', (event, id) => {
    expect(matchPnpModel(catalog, event)?.id).toBe(id);
  });

  it.each([
    { vendor: 'OEM', model: 'OEM' },
    { vendor: 'snom', model: 'snomD999' },
    { vendor: '', model: 'D785' },
    { vendor: 'snom', model: 'snom' },
    { vendor: 'yealink', model: 'D785' },
  ])('names no model for an unknown vendor or model: %o', (event) => {
    expect(matchPnpModel(catalog, event)).toBeUndefined();
  });
});

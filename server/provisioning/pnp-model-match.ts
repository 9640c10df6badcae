import type { Catalog, ModelProfile } from './types.ts';

/** Lower-case letters and digits only: `SIP-T54W` and `t54w` compare equal. */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The catalogue model a SIP PnP SUBSCRIBE names in its Event parameters (`vendor="snom"
 * model="snomD785"`, RFC 6080 ua-profile). Phones write the model with or without their vendor
 * prefix and with their own punctuation, so both sides are squashed before comparing; a vendor
 * that matches no catalogue vendor (`OEM`) or an unknown model gives undefined.
 */
export function matchPnpModel(catalog: Catalog, event: { vendor: string; model: string }): ModelProfile | undefined {
  const vendor = squash(event.vendor);
  if (vendor === '') return undefined;
  const ofVendor = catalog.all().filter((m) => vendor.startsWith(squash(m.vendor)) || squash(m.vendor).startsWith(vendor));
  const model = squash(event.model);
  const bare = ofVendor.length > 0 && model.startsWith(squash(ofVendor[0]!.vendor)) ? model.slice(squash(ofVendor[0]!.vendor).length) : model;
  if (bare === '') return undefined;
  return ofVendor.find((m) => {
    const names = [m.name, m.modelToken, m.id.split('/')[1] ?? ''].map(squash);
    return names.includes(bare) || names.includes(model);
  });
}

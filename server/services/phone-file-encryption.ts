import type { Device } from '../domain/device.ts';
import type { Site } from '../domain/site.ts';
import { strongEtag } from '../provisioning/content-etag.ts';
import { encryptFile, fileKeyFor, wrapFileKey } from '../provisioning/file-encryption.ts';
import type { CachedFile, RenderCache } from '../provisioning/render-cache.ts';
import type { FileEncryption, ModelFile } from '../provisioning/types.ts';
import type { HttpCredentials } from '../store/phone-read-repo.ts';

/**
 * The pipeline's encryption step (E911-SECURITY §2.5 item 9): which files go out encrypted, the
 * encrypted bytes (cached next to the plaintext render, same revision) and the key file. The
 * per-device key derives from the device's sealed HTTP secret (provisioning/file-encryption.ts),
 * so it is delivered, like the credentials, only to whoever passes the device's access decision.
 */

const OCTETS = 'application/octet-stream';

export function createPhoneFileEncryption(deps: {
  /** Site ids, or `*`, that ask for encrypted files. */
  sites: readonly string[];
  credentialsFor: (device: Device) => HttpCredentials;
  cache: RenderCache;
}) {
  /** The encryption this file gets for a device of `site`, or undefined when it is served as rendered. */
  function encryptionOf(site: Site, file: ModelFile): FileEncryption | undefined {
    if (file.encryption === undefined) return undefined;
    return deps.sites.includes('*') || deps.sites.includes(site.id) ? file.encryption : undefined;
  }

  function keyOf(device: Device): string {
    return fileKeyFor(device.mac, deps.credentialsFor(device).secret);
  }

  /** The rendered file encrypted with the device's key; cached per revision (the revision covers the credentials). */
  function encrypted(device: Device, encryption: FileEncryption, fileName: string, revision: string, plain: CachedFile): CachedFile {
    const slot = `${fileName}\u0000encrypted`;
    const hit = deps.cache.get(device.id, slot, revision);
    if (hit !== undefined) return hit;
    const body = encryptFile(encryption, plain.body, keyOf(device));
    const out: CachedFile = { body, contentType: OCTETS, etag: strongEtag(body) };
    deps.cache.set(device.id, slot, revision, out);
    return out;
  }

  /** The key file of the device: its file key wrapped for the phone. */
  function keyFile(device: Device, encryption: FileEncryption): CachedFile {
    const body = wrapFileKey(encryption, keyOf(device));
    return { body, contentType: OCTETS, etag: strongEtag(body) };
  }

  return { encryptionOf, encrypted, keyFile };
}

export type PhoneFileEncryption = ReturnType<typeof createPhoneFileEncryption>;

import { createCipheriv, createHmac } from 'node:crypto';
import { fileNameMatcher, renderFileName } from './file-pattern.ts';
import { identify, type IdentifyRequest } from './identify.ts';
import type { Catalog, FileEncryption, Identification } from './types.ts';

/**
 * Per-device encrypted config files (E911-SECURITY §2.5 item 9), as the catalogue declares them
 * (`ModelFile.encryption`). Pure: bytes and keys in, bytes out.
 *
 * Yealink's "compatibility mode" (Yealink admin guides, "Encrypting and Decrypting Files"; the
 * byte layout as the open tools traviscross/yealink-confenc and gitaware/yealink-encryption
 * write it): the config is AES-128-ECB under a 16-character key whose ASCII bytes are the AES
 * key; the key itself is delivered as `<name>_Security.enc`, AES-128-ECB under a key built into
 * every phone. That built-in key is public (CVE-2024-24681), so the key file hides nothing: what
 * protects it is that deskprov serves it only to the device, under the same access decision as
 * the config (claim window, Digest, or a vendor certificate). The file key is per device.
 */

/** Characters of a file key: Yealink accepts 0-9, A-Z, a-z and some punctuation; alphanumerics are enough. */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_LENGTH = 16;
// Binds the derivation to this use: the same secret answers Digest and keys event URLs.
const LABEL = 'deskprov file key v1';

/**
 * The 16-character file key of a device whose HTTP credential secret is `secret`. Derived, not
 * stored: the secret is sealed at rest, so the key is too, and rotating the credentials rotates it.
 */
export function fileKeyFor(mac: string, secret: string): string {
  let out = '';
  for (let round = 0; out.length < KEY_LENGTH; round++) {
    const bytes = createHmac('sha256', secret).update(`${LABEL}\n${mac}\n${round}`).digest();
    for (const byte of bytes) {
      // 248 = 4 × 62: dropping the top bytes keeps every character equally likely.
      if (byte < 248 && out.length < KEY_LENGTH) out += KEY_ALPHABET[byte % KEY_ALPHABET.length];
    }
  }
  return out;
}

function aes128Ecb(data: Buffer, key: string, padding: boolean): Buffer {
  const keyBytes = Buffer.from(key, 'latin1');
  if (keyBytes.length !== 16) throw new Error('an AES-128 key has 16 characters');
  const cipher = createCipheriv('aes-128-ecb', keyBytes, null);
  cipher.setAutoPadding(padding);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** The encrypted body of a rendered file: AES-128-ECB with PKCS#7 padding under the file key. */
export function encryptFile(encryption: FileEncryption, plain: Buffer, fileKey: string): Buffer {
  return SCHEMES[encryption.scheme].encrypt(plain, fileKey);
}

/** The key file the phone fetches next to the encrypted file: the file key wrapped for the phone. */
export function wrapFileKey(encryption: FileEncryption, fileKey: string): Buffer {
  return SCHEMES[encryption.scheme].wrap(fileKey, encryption.keyWrapKey);
}

/** One entry per `FileEncryption.scheme`: the data names the scheme, this table holds the cipher. */
const SCHEMES: Record<FileEncryption['scheme'], { encrypt(plain: Buffer, key: string): Buffer; wrap(key: string, wrapKey: string): Buffer }> = {
  'yealink-aes-128-ecb': {
    encrypt: (plain, key) => aes128Ecb(plain, key, true),
    // Exactly one block: the 16 key characters, no padding.
    wrap: (key, wrapKey) => aes128Ecb(Buffer.from(key, 'latin1'), wrapKey, false),
  },
};

interface KeyFileMatcher {
  re: RegExp;
  /** The encrypted file's name template and its key file's template. */
  fileName: string;
  keyFile: string;
  modelToken: string;
}

const matchers = new WeakMap<Catalog, KeyFileMatcher[]>();

/** Built once per catalogue (immutable): one matcher per declared key file. */
function matchersOf(catalog: Catalog): KeyFileMatcher[] {
  const cached = matchers.get(catalog);
  if (cached !== undefined) return cached;
  const out: KeyFileMatcher[] = [];
  for (const model of catalog.all()) {
    for (const file of model.files) {
      if (file.encryption === undefined) continue;
      const { source } = fileNameMatcher(file.encryption.keyFile, model.modelToken);
      out.push({ re: new RegExp(source, 'i'), fileName: file.name, keyFile: file.encryption.keyFile, modelToken: model.modelToken });
    }
  }
  matchers.set(catalog, out);
  return out;
}

/**
 * Identifies a request for a key file (`44dbd2010203_Security.enc`): the identification of the
 * encrypted file it belongs to, with `keyFile` set and the key file's own name. Null when no
 * catalogue file declares a key file of that name.
 */
export function identifyKeyFile(catalog: Catalog, request: IdentifyRequest): Identification | null {
  const name = request.path.startsWith('/') ? request.path.slice(1) : request.path;
  for (const matcher of matchersOf(catalog)) {
    const match = matcher.re.exec(name);
    if (match === null) continue;
    const mac = match.groups?.mac?.toLowerCase();
    const ident = identify(catalog, { path: renderFileName(matcher.fileName, matcher.modelToken, mac), userAgent: request.userAgent });
    if (ident === null) continue;
    const candidates = (ident.candidates ?? []).filter((c) => c.file.encryption?.keyFile === matcher.keyFile);
    const first = candidates[0];
    if (first === undefined) continue;
    const keyName = (modelToken: string): string => renderFileName(matcher.keyFile, modelToken, mac);
    return {
      ...ident,
      models: ident.models.filter((m) => candidates.some((c) => c.model.id === m.id)),
      file: first.file,
      requested: name,
      canonicalName: keyName(first.model.modelToken),
      candidates: candidates.map((c) => ({ ...c, canonicalName: keyName(c.model.modelToken) })),
      keyFile: true,
    };
  }
  return null;
}

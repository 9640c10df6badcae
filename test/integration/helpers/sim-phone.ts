import { createHash } from 'node:crypto';
import { digestHeader, type PhoneServer } from './phone-server.ts';

/**
 * A simulated Yealink T54W driven over real HTTP: it asks for its MAC file with a User-Agent that
 * carries the firmware it runs, answers the Digest challenge with the credentials its first config
 * handed out, follows `static.firmware.url`, and "installs" the image it downloaded by reading the
 * version written in the image's bytes (so a phone only ever runs what it really fetched).
 */
export class SimPhone {
  password: string | null = null;
  /** Set when the last config pointed at firmware. */
  firmwareUrl: string | null = null;
  /** False once the phone stops answering (a bricked upgrade). */
  alive = true;
  readonly installed: string[] = [];

  constructor(
    private readonly server: PhoneServer,
    readonly mac: string,
    public version: string,
  ) {}

  get userAgent(): string {
    const pairs = this.mac.match(/../g) ?? [];
    return `Yealink SIP-T54W ${this.version} ${pairs.join(':')}`;
  }

  private async get(name: string, authorization?: string): Promise<Response> {
    return fetch(`${this.server.root}${name}`, {
      headers: { 'user-agent': this.userAgent, ...(authorization === undefined ? {} : { authorization }) },
    });
  }

  /** One provisioning fetch of the device file; returns its text (throws on anything but 200). */
  async fetchConfig(): Promise<string> {
    const name = `${this.mac}.cfg`;
    let res = await this.get(name);
    if (res.status === 401 && this.password !== null) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      const md5 = challenge.split(/,\s*(?=Digest )/).find((c) => c.includes('algorithm=MD5')) ?? '';
      await res.arrayBuffer();
      res = await this.get(name, digestHeader(md5, 'GET', `/${name}`, this.mac, this.password));
    }
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${this.mac}: ${res.status} ${text}`);
    this.password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(text)?.[1] ?? this.password;
    this.firmwareUrl = /static\.firmware\.url\s*=\s*(\S+)/.exec(text)?.[1] ?? null;
    return text;
  }

  /**
   * Downloads the configured firmware and installs it when it is another version, as the phone
   * does before rebooting; the next fetch carries the new version. Returns the version installed.
   */
  async upgrade(): Promise<string | null> {
    if (this.firmwareUrl === null) return null;
    const res = await fetch(this.firmwareUrl, { headers: { 'user-agent': this.userAgent } });
    const image = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) return null;
    const version = /^FW (\S+)/.exec(image.toString('latin1'))?.[1] ?? null;
    if (version === null || version === this.version) return null;
    this.version = version;
    this.installed.push(version);
    return version;
  }

  /** A boot cycle: fetch the config and, when it names new firmware, install it. */
  async boot(): Promise<string | null> {
    if (!this.alive) return null;
    await this.fetchConfig();
    return this.upgrade();
  }
}

/** An image whose bytes name its version (what SimPhone installs), and its SHA-256. */
export function firmwareImage(version: string, size = 64 * 1024): { body: Buffer; sha256: string } {
  const body = Buffer.alloc(size, 0x5a);
  body.write(`FW ${version} `, 0, 'latin1');
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

/** Uploads an image over the admin API (`PUT /api/v1/firmware/yealink/<file>`). */
export async function uploadFirmware(server: PhoneServer, file: string, version: string): Promise<number> {
  const { body, sha256 } = firmwareImage(version);
  const res = await fetch(`${server.root}api/v1/firmware/yealink/${file}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/octet-stream', 'x-checksum-sha256': sha256 },
    body: new Uint8Array(body),
  });
  await res.arrayBuffer();
  return res.status;
}

import type { DevicePrincipal } from '../domain/roles.ts';
import { eventKeyMac, eventKeyMatches } from '../provisioning/event-key.ts';
import type { PhoneReadRepo } from '../store/phone-read-repo.ts';
import type { Store } from '../store/repositories.ts';

/**
 * Who a phone event URL's key stands for: a device's event key (provisioning/event-key.ts, what
 * rendered configs carry) or, for agents and older configs, its agent token. Reads only: a
 * refused key writes nothing.
 */
export function createEventAuth(
  store: Store,
  phoneRepo: Pick<PhoneReadRepo, 'credentialsOf'>,
  verifyAgentToken: (token: string) => DevicePrincipal | null,
) {
  return {
    /** The device the key belongs to, or null for a forged, stale (rotated) or unknown key. */
    verify(key: string): DevicePrincipal | null {
      const mac = eventKeyMac(key);
      if (mac === null) return verifyAgentToken(key);
      const device = store.devices.getByMac(mac);
      if (device === undefined) return null;
      const creds = phoneRepo.credentialsOf(device.id);
      if (creds === undefined || !eventKeyMatches(key, device.mac, creds.secret)) return null;
      return { deviceId: device.id, mac: device.mac };
    },
  };
}

export type EventAuth = ReturnType<typeof createEventAuth>;

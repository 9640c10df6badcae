import { generateSecret } from '../domain/extension.ts';
import { parseMac } from '../domain/mac-address.ts';
import type { Principal } from '../domain/roles.ts';
import { appError } from '../errors.ts';
import type { PhoneReadRepo } from '../store/phone-read-repo.ts';
import type { Store } from '../store/repositories.ts';

/**
 * Rotating a device's phone credentials (E911-SECURITY §2.5 item 11): a new secret, the claim
 * window reopened so the phone (factory-reset or replaced) can fetch its config once more, the
 * old credentials refused from now on. Audited; the secret never appears in the answer or audit.
 */
export function createPhoneCredentialAdmin(deps: {
  store: Store;
  phoneRepo: PhoneReadRepo;
  random: (bytes: number) => Buffer;
  now: () => number;
  claimWindowMs: number;
}) {
  return {
    rotate(actor: Principal, macText: string): { username: string; claimOpenUntil: string } {
      const mac = parseMac(macText);
      return deps.store.transaction(() => {
        const device = deps.store.devices.getByMac(mac);
        if (device === undefined) throw appError('NOT_FOUND', `device ${mac} does not exist`);
        if (actor.siteId !== null && actor.siteId !== device.siteId) throw appError('FORBIDDEN', 'this token may only act on its own site');
        const at = new Date(deps.now()).toISOString();
        const claimOpenUntil = new Date(deps.now() + deps.claimWindowMs).toISOString();
        const before = deps.phoneRepo.credentialsOf(device.id);
        deps.phoneRepo.replaceCredentials({
          deviceId: device.id,
          username: device.mac,
          secret: generateSecret(deps.random),
          claimOpenUntil,
          handedOutAt: null,
          handedOutIp: null,
          createdAt: before?.createdAt ?? at,
          updatedAt: at,
        });
        deps.store.audit.append({
          at,
          actorId: actor.tokenId,
          actorName: actor.name,
          action: 'device.phone-credentials.rotate',
          entityType: 'device',
          entityId: device.mac,
          before: before === undefined ? null : { username: before.username, secret: '********', handedOutAt: before.handedOutAt },
          after: { username: device.mac, secret: '********', claimOpenUntil },
        });
        return { username: device.mac, claimOpenUntil };
      });
    },
  };
}

export type PhoneCredentialAdmin = ReturnType<typeof createPhoneCredentialAdmin>;

import { createHash } from 'node:crypto';
import { checkTransition, type Device, type DeviceState } from '../domain/device.ts';
import { parseMac } from '../domain/mac-address.ts';
import { isExpired } from '../domain/retention.ts';
import type { Principal } from '../domain/roles.ts';
import type { Site } from '../domain/site.ts';
import { checkText } from '../domain/text.ts';
import { appError } from '../errors.ts';
import type { DeviceFilter, Page } from '../store/repositories.ts';
import { type BindingRequest, bindingFor, releaseBinding } from './binding.ts';
import { type DiscoveredInput, recordDiscovered } from './device-discovery.ts';
import { audit, checkSiteScope, listing, notFound, type ServiceContext, unknownReference } from './context.ts';

export interface DeviceInput {
  mac: string;
  model: string;
  siteId: string;
  /** Exactly one of `userId` and `standalone: true`. */
  userId?: string;
  standalone?: boolean;
  label?: string;
  profileId?: string;
}

export interface DevicePatch {
  model?: string;
  label?: string | null;
  profileId?: string | null;
  /** Rebind to this user, or (`standalone: true`) to a new standalone extension. */
  userId?: string;
  standalone?: boolean;
  state?: Extract<DeviceState, 'provisioned' | 'retired'>;
}

export interface ClaimInput {
  siteId?: string;
  model?: string;
  userId?: string;
  standalone?: boolean;
  label?: string;
}

export type { DiscoveredInput } from './device-discovery.ts';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `{userId}` xor `{standalone: true}`, refused with the field named otherwise. */
function bindingRequest(input: { userId?: string; standalone?: boolean }, displayName: string): BindingRequest {
  const hasUser = input.userId !== undefined;
  const standalone = input.standalone === true;
  if (hasUser === standalone) {
    throw appError('INVALID_FIELD', 'give exactly one of userId and standalone: true', {
      field: hasUser ? 'standalone' : 'userId',
    });
  }
  return hasUser ? { userId: input.userId as string } : { standalone: true, displayName };
}

/** Devices: binding (user or standalone), rebinding, restore, claim, agent tokens. */
export function createDeviceService(ctx: ServiceContext) {
  const { store, catalog } = ctx;

  function checkModel(model: string): string {
    if (catalog.get(model) === undefined) {
      throw appError('UNKNOWN_MODEL', `model ${model} is not in the catalogue`, {
        field: 'model',
        details: { closeMatches: catalog.closeMatches(model) },
      });
    }
    return model;
  }

  function siteOf(siteId: string): Site {
    return store.sites.get(siteId) ?? unknownReference('siteId', 'site', siteId);
  }

  function checkProfile(profileId: string | null | undefined): void {
    if (profileId != null && store.profiles.get(profileId) === undefined) {
      unknownReference('profileId', 'profile', profileId);
    }
  }

  function mustGet(macText: string): Device {
    const mac = parseMac(macText);
    return store.devices.getByMac(mac) ?? notFound('device', mac);
  }

  const labelOf = (label: string | null | undefined): string | null =>
    label == null ? null : checkText(label, 'label');

  const standaloneName = (label: string | null, mac: string): string => label ?? `Phone ${mac}`;

  return {
    create(actor: Principal, input: DeviceInput): Device {
      const mac = parseMac(input.mac);
      const model = checkModel(input.model);
      const label = labelOf(input.label);
      const request = bindingRequest(input, standaloneName(label, mac));
      return store.transaction(() => {
        const site = siteOf(input.siteId);
        checkSiteScope(actor, site.id);
        checkProfile(input.profileId);
        const existing = store.devices.getByMac(mac);
        if (existing !== undefined) {
          const hint = existing.state === 'provisioned' || existing.state === 'retired' ? '' : '; claim it instead';
          throw appError('DUPLICATE_MAC', `a device with MAC ${mac} already exists${hint}`, { field: 'mac' });
        }
        const binding = bindingFor(ctx, site, request);
        const at = ctx.now().toISOString();
        const device: Device = {
          id: ctx.newId(),
          mac,
          model,
          siteId: site.id,
          profileId: input.profileId ?? null,
          label,
          state: 'provisioned',
          binding,
          restorable: null,
          restoreUntil: null,
          configRevision: 1,
          agentTokenHash: null,
          lastSeen: null,
          createdAt: at,
          updatedAt: at,
        };
        store.devices.insert(device);
        audit(ctx, actor, 'device.create', { type: 'device', id: mac }, null, device);
        return device;
      });
    },

    get: mustGet,

    list: (filter: DeviceFilter, page: Page) => listing(page, store.devices.list(filter, page)),

    /** Changes fields and, in the same event, may rebind between user and standalone. */
    update(actor: Principal, macText: string, patch: DevicePatch): Device {
      const model = patch.model === undefined ? undefined : checkModel(patch.model);
      const label = patch.label === undefined ? undefined : labelOf(patch.label);
      return store.transaction(() => {
        const before = mustGet(macText);
        checkSiteScope(actor, before.siteId);
        if (patch.profileId !== undefined) checkProfile(patch.profileId);
        let after: Device = {
          ...before,
          ...(model === undefined ? {} : { model }),
          ...(label === undefined ? {} : { label }),
          ...(patch.profileId === undefined ? {} : { profileId: patch.profileId }),
        };
        const rebind = patch.userId !== undefined || patch.standalone !== undefined;
        // The old standalone extension is deleted only once the device no longer points at it.
        let released: Device['binding'] = null;
        if (patch.state !== undefined) checkTransition(before.state, patch.state);
        if (patch.state === 'retired') {
          if (rebind) throw appError('INVALID_FIELD', 'a retired device has no binding', { field: 'state' });
          released = before.binding;
          after = { ...after, state: 'retired', binding: null, restorable: null, restoreUntil: null };
        } else if (rebind) {
          if (before.siteId === null) throw appError('RULE_VIOLATION', 'claim the device first', { field: 'siteId' });
          const site = siteOf(before.siteId);
          const request = bindingRequest(patch, standaloneName(after.label, after.mac));
          const keep = before.binding?.kind === 'standalone' && 'standalone' in request;
          if (!keep) {
            released = before.binding;
            after = { ...after, binding: bindingFor(ctx, site, request) };
          }
          after = { ...after, state: 'provisioned', restorable: null, restoreUntil: null };
        } else if (patch.state === 'provisioned' && before.binding === null) {
          throw appError('INVALID_FIELD', 'give userId or standalone: true to provision the device', { field: 'userId' });
        }
        after = { ...after, configRevision: before.configRevision + 1, updatedAt: ctx.now().toISOString() };
        store.devices.update(after);
        releaseBinding(ctx, released);
        audit(ctx, actor, 'device.update', { type: 'device', id: after.mac }, before, after);
        return after;
      });
    },

    remove(actor: Principal, macText: string): void {
      store.transaction(() => {
        const before = mustGet(macText);
        checkSiteScope(actor, before.siteId);
        store.devices.delete(before.id);
        releaseBinding(ctx, before.binding);
        audit(ctx, actor, 'device.delete', { type: 'device', id: before.mac }, before, null);
      });
    },

    /**
     * Puts back the binding an unbinding took away, within the retention window. A user binding
     * whose user lost the licence gives the licence back (that is what undoing the removal means);
     * if the user was deleted, the kept extension becomes the device's standalone line.
     */
    restore(actor: Principal, macText: string): Device {
      return store.transaction(() => {
        const before = mustGet(macText);
        checkSiteScope(actor, before.siteId);
        const kept = before.restorable;
        if (kept === null || before.restoreUntil === null) {
          throw appError('RULE_VIOLATION', `device ${before.mac} has no binding to restore`);
        }
        const now = ctx.now();
        if (isExpired(before.restoreUntil, now)) {
          throw appError('RESTORE_WINDOW_CLOSED', `the restore window of device ${before.mac} closed at ${before.restoreUntil}`);
        }
        const at = now.toISOString();
        const user = kept.userId === null ? undefined : store.users.get(kept.userId);
        let after: Device;
        if (user !== undefined) {
          if (!user.licensed) {
            const licensed = { ...user, licensed: true, updatedAt: at };
            store.users.update(licensed);
            audit(ctx, actor, 'user.update', { type: 'user', id: user.id }, user, licensed);
          }
          after = { ...before, binding: { kind: 'user', userId: user.id, extensionNumber: user.extensionNumber } };
        } else {
          const ext = store.extensions.get(kept.extensionNumber);
          if (ext === undefined) throw appError('RESTORE_WINDOW_CLOSED', 'the kept extension is gone');
          store.extensions.update({ ...ext, kind: 'standalone', retainedUntil: null, updatedAt: at });
          after = { ...before, binding: { kind: 'standalone', userId: null, extensionNumber: ext.number } };
        }
        after = {
          ...after,
          state: 'provisioned',
          restorable: null,
          restoreUntil: null,
          configRevision: before.configRevision + 1,
          updatedAt: at,
        };
        store.devices.update(after);
        audit(ctx, actor, 'device.restore', { type: 'device', id: after.mac }, before, after);
        return after;
      });
    },

    /** Binds a discovered device; installers may claim at their own site. */
    claim(actor: Principal, macText: string, input: ClaimInput): Device {
      const model = input.model === undefined ? undefined : checkModel(input.model);
      const label = labelOf(input.label);
      return store.transaction(() => {
        const before = mustGet(macText);
        if (before.state !== 'discovered' && before.state !== 'awaiting-claim') {
          throw appError('CONFLICT', `device ${before.mac} is ${before.state}, not waiting for a claim`);
        }
        const siteId = input.siteId ?? before.siteId;
        if (siteId === null) throw appError('INVALID_FIELD', 'siteId is needed for this device', { field: 'siteId' });
        const site = siteOf(siteId);
        checkSiteScope(actor, site.id);
        const request = bindingRequest(input, standaloneName(label ?? before.label, before.mac));
        const after: Device = {
          ...before,
          model: model ?? before.model,
          siteId: site.id,
          label: label ?? before.label,
          state: 'provisioned',
          binding: bindingFor(ctx, site, request),
          configRevision: before.configRevision + 1,
          updatedAt: ctx.now().toISOString(),
        };
        checkModel(after.model);
        store.devices.update(after);
        audit(ctx, actor, 'device.claim', { type: 'device', id: after.mac }, before, after);
        return after;
      });
    },

    /** A new agent token for the device (the old one stops working); only its hash is kept. */
    issueAgentToken(actor: Principal, macText: string): { token: string } {
      const token = `dpa_${ctx.random(32).toString('base64url')}`;
      store.transaction(() => {
        const before = mustGet(macText);
        const after: Device = { ...before, agentTokenHash: sha256(token), updatedAt: ctx.now().toISOString() };
        store.devices.update(after);
        audit(ctx, actor, 'device.agent-token', { type: 'device', id: before.mac }, before, after);
      });
      return { token };
    },

    /** The device an agent token belongs to, or null. */
    verifyAgentToken(token: string): Device | null {
      return store.devices.getByAgentTokenHash(sha256(token)) ?? null;
    },

    /**
     * Records a phone seen asking for its files (see device-discovery.ts). Not an admin write,
     * so not audited.
     */
    recordDiscovered: (input: DiscoveredInput): Device => recordDiscovered(ctx, input),
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;

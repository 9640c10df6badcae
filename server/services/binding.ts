import type { Binding, Device } from '../domain/device.ts';
import { restoreUntil } from '../domain/retention.ts';
import type { Principal } from '../domain/roles.ts';
import type { Site } from '../domain/site.ts';
import { appError } from '../errors.ts';
import { audit, type ServiceContext, unknownReference } from './context.ts';
import { allocateExtension } from './extension-service.ts';

/** Who a device should register as: a user (their primary extension) or a new standalone line. */
export type BindingRequest = { userId: string } | { standalone: true; displayName: string };

/**
 * Works out (and for standalone, allocates) the binding a request asks for.
 * Call inside the write transaction.
 */
export function bindingFor(ctx: ServiceContext, site: Site, request: BindingRequest): Binding {
  if ('userId' in request) {
    const user = ctx.store.users.get(request.userId) ?? unknownReference('userId', 'user', request.userId);
    if (user.siteId !== site.id) {
      throw appError('RULE_VIOLATION', `user ${user.id} belongs to another site`, { field: 'userId' });
    }
    if (!user.licensed) {
      throw appError('RULE_VIOLATION', `user ${user.id} has no phone licence`, { field: 'userId' });
    }
    return { kind: 'user', userId: user.id, extensionNumber: user.extensionNumber };
  }
  const ext = allocateExtension(ctx, site, 'standalone', request.displayName);
  return { kind: 'standalone', userId: null, extensionNumber: ext.number };
}

/** Frees what a binding held: a standalone device's own extension goes with it. */
export function releaseBinding(ctx: ServiceContext, binding: Binding | null): void {
  if (binding?.kind === 'standalone') ctx.store.extensions.delete(binding.extensionNumber);
}

/**
 * Unbinds every device of a user (licence removed or user deleted), keeping each binding
 * restorable for the retention window. The device's revision is bumped so its next config
 * carries disabled lines.
 */
export function unbindUserDevices(ctx: ServiceContext, actor: Principal, userId: string, reason: string): Device[] {
  const now = ctx.now();
  const changed: Device[] = [];
  for (const before of ctx.store.devices.listForUser(userId)) {
    if (before.binding?.userId !== userId) continue;
    const after: Device = {
      ...before,
      binding: null,
      restorable: { ...before.binding, configRevision: before.configRevision, reason },
      restoreUntil: restoreUntil(now),
      configRevision: before.configRevision + 1,
      updatedAt: now.toISOString(),
    };
    ctx.store.devices.update(after);
    audit(ctx, actor, 'device.unbind', { type: 'device', id: before.mac }, before, after);
    changed.push(after);
  }
  return changed;
}

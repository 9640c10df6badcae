import { audit, type ServiceContext, SYSTEM } from './context.ts';

/** The retention job: purges what the 7-day restore window no longer protects. */
export function createRetentionService(ctx: ServiceContext) {
  const { store } = ctx;
  return {
    /**
     * Purges what the restore window no longer protects: devices whose window closed (with the
     * extension kept for them) and owner-less kept extensions. One transaction; returns the number
     * of devices purged. Run at start and hourly.
     */
    purgeExpired(): number {
      return store.transaction(() => {
        const nowIso = ctx.now().toISOString();
        const devices = store.devices.restoreExpired(nowIso);
        for (const d of devices) {
          store.devices.delete(d.id);
          audit(ctx, SYSTEM, 'device.purge', { type: 'device', id: d.mac }, d, null);
        }
        for (const number of store.extensions.retainedBefore(nowIso)) {
          if (!store.extensions.isInUse(number) && store.devices.usingExtension(number).length === 0) {
            const ext = store.extensions.get(number);
            store.extensions.delete(number);
            audit(ctx, SYSTEM, 'extension.purge', { type: 'extension', id: number }, ext, null);
          }
        }
        return devices.length;
      });
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;

import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/index.ts';
import { auditRoutes } from './audit.ts';
import { deviceRoutes } from './devices.ts';
import { dhcpRoutes } from './dhcp.ts';
import { e911Routes } from './e911.ts';
import { extensionRoutes } from './extensions.ts';
import { importRoutes } from './import.ts';
import { modelRoutes } from './models.ts';
import { numberRoutes } from './numbers.ts';
import { profileRoutes } from './profiles.ts';
import { siteRoutes } from './sites.ts';
import { switchRoutes } from './switches.ts';
import { tokenRoutes } from './tokens.ts';
import { userRoutes } from './users.ts';
import { whoamiRoutes } from './whoami.ts';

/**
 * Every admin resource of `/api/v1` (register with `{ prefix: '/api/v1', services }`). Each route
 * declares its lowest role in `config.minRole` (default admin); the auth plugin enforces it.
 */
export const adminRoutes: FastifyPluginAsync<{ services: Services; publicUrl?: () => string }> = async (app, { services, publicUrl }) => {
  for (const routes of [
    siteRoutes,
    userRoutes,
    extensionRoutes,
    numberRoutes,
    deviceRoutes,
    profileRoutes,
    tokenRoutes,
    auditRoutes,
    modelRoutes,
    importRoutes,
    whoamiRoutes,
    e911Routes,
    switchRoutes,
    dhcpRoutes,
  ]) {
    await app.register(routes, { services, ...(publicUrl === undefined ? {} : { publicUrl }) });
  }
};

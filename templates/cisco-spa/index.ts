import { defineDialect } from '../../server/provisioning/dialect-kit.ts';
import { flatProfileTemplates } from '../cisco-mpp/flat-profile.ts';

/** Cisco SPA 3xx/5xx: the same flat-profile as MPP, without `ua` attributes (VENDORS.md §3). */
export const dialect = defineDialect('cisco-spa', flatProfileTemplates(false));

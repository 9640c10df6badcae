import { get } from './api.js';

const RANK = { 'super-admin': 3, admin: 2, installer: 1, user: 0 };

/** The signed-in caller (`GET /api/v1/whoami`): role, site scope, name. */
export const session = {
  me: null,
  async load() {
    this.me = await get('/whoami');
    return this.me;
  },
  /** True when the caller's role is at least `role`: controls for lower roles are not drawn. */
  can(role) {
    return this.me !== null && RANK[this.me.role] >= RANK[role];
  },
};

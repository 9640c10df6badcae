import type { ApiToken } from '../domain/api-token.ts';
import type { DevicePrincipal, Principal } from '../domain/roles.ts';
import { checkText } from '../domain/text.ts';
import { appError } from '../errors.ts';
import type { Page } from '../store/repositories.ts';
import { audit, listing, notFound, type ServiceContext, SYSTEM, unknownReference } from './context.ts';
import { sha256 } from './device-service.ts';
import { memoizeReads } from './generation-memo.ts';

export interface TokenInput {
  name: string;
  role: ApiToken['role'];
  /** Required for installers: the site they act on. */
  siteId?: string;
  userId?: string;
}

/** Shortest DESKPROV_ADMIN_TOKEN accepted: anything shorter is guessable. */
export const MIN_ENV_TOKEN_LENGTH = 16;

export interface TokenServiceOptions {
  /**
   * The store's write generation (store/write-generation.ts): when given, the device an agent
   * token names is remembered until it moves. Agent tokens live on the device row, so issuing,
   * rotating or retiring one is a device write and moves it.
   */
  generation?: () => number;
}

/** Admin API tokens (stored as SHA-256) and the first-start super-admin token. */
export function createTokenService(ctx: ServiceContext, opts: TokenServiceOptions = {}) {
  const { store } = ctx;
  // Every agent report is checked: a fleet reporting at once would read the device per report.
  const devices = opts.generation === undefined ? store.devices : memoizeReads(store.devices, ['getByAgentTokenHash'], opts.generation);
  const generate = (): string => `dpt_${ctx.random(32).toString('base64url')}`;

  function mustGet(id: string): ApiToken {
    return store.tokens.get(id) ?? notFound('token', id);
  }

  return {
    /** The principal a Bearer token stands for, or null when unknown or revoked. */
    verify(rawToken: string): Principal | null {
      const token = store.tokens.getByHash(sha256(rawToken));
      if (token === undefined || token.revokedAt !== null) return null;
      return { tokenId: token.id, userId: token.userId, role: token.role, siteId: token.siteId, name: token.name };
    },

    /** The device an agent token belongs to (POST /devices/{mac}/agent-token), or null. */
    verifyDevice(rawToken: string): DevicePrincipal | null {
      const device = devices.getByAgentTokenHash(sha256(rawToken));
      return device === undefined ? null : { deviceId: device.id, mac: device.mac };
    },

    /**
     * First start: stores the super-admin token (DESKPROV_ADMIN_TOKEN when given, else a
     * generated one, returned so the caller can print it once). Later starts return null, except
     * that a DESKPROV_ADMIN_TOKEN different from the stored one replaces it (rotation by
     * restarting with a new value); leaving the variable unset keeps the stored token.
     * Only the SHA-256 is ever stored.
     */
    ensureBootstrap(envToken?: string): { token: string | null } {
      if (envToken !== undefined && envToken.length < MIN_ENV_TOKEN_LENGTH) {
        throw appError('INVALID_FIELD', `DESKPROV_ADMIN_TOKEN must be at least ${MIN_ENV_TOKEN_LENGTH} characters`, {
          field: 'DESKPROV_ADMIN_TOKEN',
        });
      }
      return store.transaction(() => {
        const existing = store.tokens.getBootstrap();
        const at = ctx.now().toISOString();
        if (existing === undefined) {
          const raw = envToken ?? generate();
          const token: ApiToken = {
            id: ctx.newId(),
            name: 'super-admin (first start)',
            role: 'super-admin',
            userId: null,
            siteId: null,
            hash: sha256(raw),
            bootstrap: true,
            createdAt: at,
            revokedAt: null,
          };
          store.tokens.insert(token);
          audit(ctx, SYSTEM, 'token.create', { type: 'token', id: token.id }, null, token);
          return { token: envToken === undefined ? raw : null };
        }
        if (envToken !== undefined && sha256(envToken) !== existing.hash) {
          const rotated = { ...existing, hash: sha256(envToken) };
          store.tokens.update(rotated);
          audit(ctx, SYSTEM, 'token.rotate', { type: 'token', id: existing.id }, existing, rotated);
        }
        return { token: null };
      });
    },

    /** A new API token; the secret is in the result only, never stored or shown again. */
    create(actor: Principal, input: TokenInput): { token: string; record: ApiToken } {
      const name = checkText(input.name, 'name');
      if (input.role === 'installer' && input.siteId === undefined) {
        throw appError('INVALID_FIELD', 'an installer token needs siteId', { field: 'siteId' });
      }
      const raw = generate();
      const record = store.transaction(() => {
        if (input.siteId !== undefined && store.sites.get(input.siteId) === undefined) {
          unknownReference('siteId', 'site', input.siteId);
        }
        if (input.userId !== undefined && store.users.get(input.userId) === undefined) {
          unknownReference('userId', 'user', input.userId);
        }
        const token: ApiToken = {
          id: ctx.newId(),
          name,
          role: input.role,
          userId: input.userId ?? null,
          siteId: input.siteId ?? null,
          hash: sha256(raw),
          bootstrap: false,
          createdAt: ctx.now().toISOString(),
          revokedAt: null,
        };
        store.tokens.insert(token);
        audit(ctx, actor, 'token.create', { type: 'token', id: token.id }, null, token);
        return token;
      });
      return { token: raw, record };
    },

    get: mustGet,

    list: (page: Page) => listing(page, store.tokens.list(page)),

    revoke(actor: Principal, id: string): ApiToken {
      return store.transaction(() => {
        const before = mustGet(id);
        if (before.revokedAt !== null) return before;
        const superAdmins = store.tokens
          .list({ limit: Number.MAX_SAFE_INTEGER, offset: 0 })
          .items.filter((t) => t.role === 'super-admin' && t.revokedAt === null);
        if (before.role === 'super-admin' && superAdmins.length === 1) {
          // Nobody could create tokens any more, short of a restart with DESKPROV_ADMIN_TOKEN.
          throw appError('CONFLICT', 'this is the last super-admin token; create another one first');
        }
        const after = { ...before, revokedAt: ctx.now().toISOString() };
        store.tokens.update(after);
        audit(ctx, actor, 'token.revoke', { type: 'token', id }, before, after);
        return after;
      });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

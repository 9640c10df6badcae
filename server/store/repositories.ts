import type { ApiToken } from '../domain/api-token.ts';
import type { AuditEvent, NewAuditEvent } from '../domain/audit.ts';
import type { Device, DeviceState } from '../domain/device.ts';
import type { PhoneNumber } from '../domain/e164.ts';
import type { Extension } from '../domain/extension.ts';
import type { Profile } from '../domain/profile.ts';
import type { Site } from '../domain/site.ts';
import type { User } from '../domain/user.ts';

/**
 * The storage contract, one repository per aggregate. Services depend on these interfaces only;
 * `sqlite-store.ts` implements them with better-sqlite3. The methods are synchronous because
 * better-sqlite3 is; a PostgreSQL engine would implement the same shapes returning promises
 * (services would then await them), keeping SQL out of every other layer.
 */

export interface Page {
  limit: number;
  offset: number;
}

export interface PageOf<T> {
  items: T[];
  total: number;
}

export interface SiteRepository {
  insert(site: Site): void;
  get(id: string): Site | undefined;
  list(page: Page): PageOf<Site>;
  update(site: Site): void;
  delete(id: string): void;
  /** Users, devices or extensions still pointing at the site. */
  isReferenced(id: string): boolean;
  /** Sites whose extension range overlaps `first..last`, other than `exceptId`. */
  overlapping(first: number, last: number, exceptId: string | null): Site[];
}

export interface ExtensionFilter {
  siteId?: string;
  kind?: Extension['kind'];
}

export interface ExtensionRepository {
  insert(ext: Extension): void;
  get(number: number): Extension | undefined;
  list(filter: ExtensionFilter, page: Page): PageOf<Extension>;
  update(ext: Extension): void;
  delete(number: number): void;
  /** Numbers taken in `first..last`, ascending. */
  takenInRange(first: number, last: number): number[];
  /** The lowest number of `first..last` not taken (domain `lowestFree`), or null when all are. */
  lowestFree(first: number, last: number): number | null;
  /** Owner-less extensions whose retention ended at or before `nowIso`. */
  retainedBefore(nowIso: string): number[];
  /** Whether a user or a device still uses the extension. */
  isInUse(number: number): boolean;
}

export interface UserFilter {
  siteId?: string;
  q?: string;
}

export interface UserRepository {
  insert(user: User): void;
  get(id: string): User | undefined;
  getByEmail(email: string): User | undefined;
  getByExtension(number: number): User | undefined;
  list(filter: UserFilter, page: Page): PageOf<User>;
  update(user: User): void;
  delete(id: string): void;
}

export interface NumberRepository {
  insert(n: PhoneNumber): void;
  get(e164: string): PhoneNumber | undefined;
  list(page: Page): PageOf<PhoneNumber>;
  update(n: PhoneNumber): void;
  delete(e164: string): void;
  /** Extensions using the number as outbound caller ID. */
  usedAsCallerId(e164: string): number[];
}

export interface DeviceFilter {
  state?: DeviceState;
  siteId?: string;
  model?: string;
  userId?: string;
  /** Substring of MAC or label. */
  q?: string;
}

export interface DeviceRepository {
  insert(device: Device): void;
  get(id: string): Device | undefined;
  getByMac(mac: string): Device | undefined;
  getByAgentTokenHash(hash: string): Device | undefined;
  list(filter: DeviceFilter, page: Page): PageOf<Device>;
  /** Every device bound to, or restorable to, the user. */
  listForUser(userId: string): Device[];
  /** Devices whose restore window closed at or before `nowIso`. */
  restoreExpired(nowIso: string): Device[];
  update(device: Device): void;
  delete(id: string): void;
  /** Devices whose binding or restorable binding uses the extension. */
  usingExtension(number: number): Device[];
  usingProfile(profileId: string): number;
  /** Moves the config revision of every device using one of the profiles one ahead; returns how many. */
  bumpConfigRevision(profileIds: readonly string[], at: string): number;
  /** Moves the config revision of each named device one ahead; returns how many. */
  bumpConfigRevisionOf(deviceIds: readonly string[], at: string): number;
}

export interface ProfileRepository {
  insert(profile: Profile): void;
  get(id: string): Profile | undefined;
  getByName(name: string): Profile | undefined;
  list(page: Page): PageOf<Profile>;
  update(profile: Profile): void;
  delete(id: string): void;
  children(id: string): number;
}

export interface TokenRepository {
  insert(token: ApiToken): void;
  get(id: string): ApiToken | undefined;
  getByHash(hash: string): ApiToken | undefined;
  getBootstrap(): ApiToken | undefined;
  list(page: Page): PageOf<ApiToken>;
  update(token: ApiToken): void;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** ISO time, inclusive. */
  since?: string;
}

export interface AuditRepository {
  append(event: NewAuditEvent): AuditEvent;
  list(filter: AuditFilter, page: Page): PageOf<AuditEvent>;
}

export interface Store {
  sites: SiteRepository;
  extensions: ExtensionRepository;
  users: UserRepository;
  numbers: NumberRepository;
  devices: DeviceRepository;
  profiles: ProfileRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  /**
   * Runs `fn` as one write transaction (SQLite BEGIN IMMEDIATE: writers queue, so an extension
   * picked inside cannot be picked by anyone else). A throw rolls everything back; nested calls
   * join the outer transaction.
   */
  transaction<T>(fn: () => T): T;
}

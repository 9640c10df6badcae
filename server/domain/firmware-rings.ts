/**
 * Rollout ring membership. Membership must never flip while a rollout runs (a phone upgraded in
 * ring 2 must not later count as ring 3, nor a ring-3 phone slip into ring 2), so it depends only
 * on a stable hash of the device id and on the canaries chosen once when the rollout was created.
 */

/** A ring as configured: `devices` canaries (count), `percent` of the fleet, or neither (all). */
export interface RingRule {
  name: string;
  devices?: number;
  percent?: number;
}

/** FNV-1a (32 bit) of the id: stable across processes and versions, unlike any runtime hash. */
export function stableHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The device's bucket in 0..9999: percent rules take buckets below `percent × 100`. */
export function bucketOf(id: string): number {
  return stableHash(id) % 10_000;
}

/**
 * The canaries of each count ring, chosen once at creation: the devices with the lowest hashes,
 * each ring taking from those no earlier ring took. Indexed like `rings` (empty for other rings).
 */
export function pickCanaries(rings: readonly RingRule[], deviceIds: readonly string[]): string[][] {
  const order = [...deviceIds].sort((a, b) => stableHash(a) - stableHash(b) || (a < b ? -1 : 1));
  let next = 0;
  return rings.map((ring) => {
    if (ring.devices === undefined) return [];
    const picked = order.slice(next, next + ring.devices);
    next += picked.length;
    return picked;
  });
}

/**
 * The index of the first ring the device belongs to: its canary ring, else the first percent ring
 * whose share covers its bucket, else the first ring without a rule. -1 when no ring takes it.
 */
export function ringOf(deviceId: string, rings: readonly RingRule[], canaries: readonly (readonly string[])[]): number {
  const bucket = bucketOf(deviceId);
  for (let i = 0; i < rings.length; i += 1) {
    const ring = rings[i] as RingRule;
    if (ring.devices !== undefined) {
      if (canaries[i]?.includes(deviceId) === true) return i;
    } else if (ring.percent !== undefined) {
      if (bucket < Math.round(ring.percent * 100)) return i;
    } else {
      return i;
    }
  }
  return -1;
}

/** Why a ring list is unusable, or null: each ring has one rule at most, percents ascend, the last takes all. */
export function ringsProblem(rings: readonly RingRule[]): string | null {
  if (rings.length === 0) return 'a rollout needs at least one ring';
  let lastPercent = 0;
  for (const [i, ring] of rings.entries()) {
    if (ring.devices !== undefined && ring.percent !== undefined) return `ring ${ring.name}: give devices or percent, not both`;
    if (ring.percent !== undefined) {
      if (ring.percent <= lastPercent) return `ring ${ring.name}: percents must ascend`;
      lastPercent = ring.percent;
    }
    const isLast = i === rings.length - 1;
    if (!isLast && ring.devices === undefined && ring.percent === undefined) return `ring ${ring.name}: only the last ring may take all devices`;
  }
  const last = rings[rings.length - 1] as RingRule;
  if (last.devices !== undefined || (last.percent !== undefined && last.percent < 100)) return 'the last ring must take all devices (no rule, or percent 100)';
  return null;
}

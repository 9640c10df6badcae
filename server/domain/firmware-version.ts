/**
 * Firmware version order and upgrade paths. Vendors number releases as dotted numbers
 * (Yealink `96.86.0.70`, Poly `6.4.6.2280`, Cisco `11.3.7MPP` → numeric parts only), and some
 * models must pass through given releases before a later one installs (the "upgrade path").
 */

/** The numeric parts of a version: every run of digits, in order (`sip78xx.14-2-1MPP` → 78,14,2,1). */
export function versionParts(version: string): number[] {
  return (version.match(/\d+/g) ?? []).map(Number);
}

/**
 * Compares two versions part by part, missing parts counting as 0 (`1.2` = `1.2.0`).
 * Negative when `a` is older, positive when newer, 0 when equal.
 */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/** One release a model can be pointed at: its version and the file in the firmware store. */
export interface FirmwareHop {
  version: string;
  file: string;
}

/**
 * The release a phone on `current` must install next to walk `path` (ordered, oldest first, the
 * target last): the first hop newer than `current`. Undefined when the phone is already at or past
 * the last hop. A phone is never sent backwards, and never past a hop it has not installed.
 */
export function nextHop(current: string, path: readonly FirmwareHop[]): FirmwareHop | undefined {
  return path.find((hop) => compareVersions(hop.version, current) > 0);
}

/** Why a path is unusable (hops not strictly ascending), or null when it is fine. */
export function pathProblem(path: readonly FirmwareHop[]): string | null {
  for (let i = 1; i < path.length; i += 1) {
    const before = path[i - 1] as FirmwareHop;
    const hop = path[i] as FirmwareHop;
    if (compareVersions(before.version, hop.version) >= 0) {
      return `upgrade path must ascend: ${before.version} is not older than ${hop.version}`;
    }
  }
  return path.some((hop) => versionParts(hop.version).length === 0) ? 'every version needs at least one number' : null;
}

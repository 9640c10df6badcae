import { createBoundedMemo, type BoundedMemo } from '../domain/bounded-memo.ts';
import { tryParseMac } from '../domain/mac-address.ts';
import type { ModelProfile } from './types.ts';

/**
 * User-Agent matching: an ordered list of (model, pattern), first match wins. Each model's
 * patterns and real samples live in its catalogue file (`userAgent`), and the samples are the
 * test table of the patterns (STYLE.md §3). Patterns are compiled case-insensitive; they may
 * capture `mac` (any spelling `tryParseMac` accepts) and `firmware`.
 */
export interface UaRule {
  modelId: string;
  vendor: string;
  source: string;
  re: RegExp;
}

export interface UaMatch {
  /** The model whose pattern matched first, plus any model declaring the very same pattern. */
  modelIds: string[];
  /** The vendors of those models. */
  vendors: string[];
  /** MAC from the UA, canonical 12 lowercase hex. */
  mac?: string;
  firmware?: string;
}

/** Longest UA looked at: real ones are under 200 characters; this bounds regex work per request. */
export const MAX_USER_AGENT_LENGTH = 512;

/** Rules in the order given (the catalogue passes its models in vendor order). */
export function compileUaRules(models: readonly ModelProfile[]): UaRule[] {
  return models.flatMap((m) => m.userAgent.patterns.map((source) => ({ modelId: m.id, vendor: m.vendor, source, re: new RegExp(source, 'i') })));
}

/**
 * Answers by User-Agent text, per rule list: a phone sends the same UA with every file, and the
 * rules are tried in order, so a model late in the catalogue costs dozens of regex runs. Bounded;
 * emptied when full. The answers are shared: never mutated.
 */
const answers = new WeakMap<readonly UaRule[], BoundedMemo<string, UaMatch | null>>();

export function matchUserAgent(rules: readonly UaRule[], userAgent: string | undefined): UaMatch | null {
  if (userAgent === undefined || userAgent.length === 0 || userAgent.length > MAX_USER_AGENT_LENGTH) return null;
  let remembered = answers.get(rules);
  if (remembered === undefined) {
    remembered = createBoundedMemo(4_096);
    answers.set(rules, remembered);
  }
  return remembered.get(userAgent, () => firstMatch(rules, userAgent));
}

function firstMatch(rules: readonly UaRule[], userAgent: string): UaMatch | null {
  for (const rule of rules) {
    const m = rule.re.exec(userAgent);
    if (m === null) continue;
    const same = rules.filter((r) => r.source === rule.source);
    const out: UaMatch = { modelIds: [...new Set(same.map((r) => r.modelId))], vendors: [...new Set(same.map((r) => r.vendor))] };
    const mac = m.groups?.mac === undefined ? null : tryParseMac(m.groups.mac);
    if (mac !== null) out.mac = mac;
    const firmware = m.groups?.firmware;
    if (firmware !== undefined && firmware.length > 0) out.firmware = firmware;
    return out;
  }
  return null;
}

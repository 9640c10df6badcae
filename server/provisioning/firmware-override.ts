import type { CanonicalSettings } from './types.ts';

/**
 * Puts a rollout's firmware decision into resolved settings: undefined keeps what the profile
 * pinned, null removes the firmware (the phone keeps what it runs), a value replaces it.
 */
export function withFirmware(settings: CanonicalSettings, choice: { url: string; version: string } | null | undefined): CanonicalSettings {
  if (choice === undefined) return settings;
  const { firmware: _pinned, ...rest } = settings;
  return choice === null ? rest : { ...rest, firmware: { url: choice.url, version: choice.version } };
}

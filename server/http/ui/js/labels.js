import { badge, h } from './dom.js';

/** Words the pages share for API values. */

export const STATE_TEXT = {
  discovered: 'discovered',
  'awaiting-claim': 'awaiting claim',
  provisioned: 'provisioned',
  retired: 'retired',
};

export const STATE_BADGE = {
  discovered: 'warn',
  'awaiting-claim': 'warn',
  provisioned: 'ok',
  retired: 'muted',
};

export const MATCHED_BY_TEXT = {
  bssid: 'Wi-Fi access point',
  switchPort: 'switch port',
  switch: 'switch',
  subnet: 'subnet',
  assigned: 'assigned',
  siteDefault: 'site default',
};

/** What a person calls a device: its label, else its user, else its MAC. */
export function deviceName(device, users) {
  if (device.label) return device.label;
  const user = device.binding?.userId ? users.get(device.binding.userId) : undefined;
  return user ? user.name : formatMac(device.mac);
}

/** `001565aabbcc` → `00:15:65:aa:bb:cc`. */
export function formatMac(mac) {
  return String(mac).match(/.{1,2}/g)?.join(':') ?? String(mac);
}

/** Registered / not registered / unknown (no report yet) from a status's `sip`. */
export function registrationBadge(sip) {
  if (sip?.registered === true) return badge('ok', 'registered');
  if (sip?.registered === false) return badge('error', 'not registered');
  return h('span', { class: 'muted' }, '—');
}

/** "Room 101 (switch port)"; a site-default or unresolved match is flagged. */
export function locationText(location) {
  if (!location) return h('span', { class: 'muted' }, 'unlocated');
  const how = location.matchedBy ? MATCHED_BY_TEXT[location.matchedBy] ?? location.matchedBy : 'no match';
  return h(
    'span',
    { class: 'location' },
    location.name,
    ' ',
    h('small', { class: 'muted' }, `(${how})`),
    location.unresolved ? [' ', badge('warn', 'unresolved')] : null,
    location.status && location.status !== 'registered' ? [' ', badge(location.status === 'failed' ? 'error' : 'warn', `address ${location.status}`)] : null,
  );
}

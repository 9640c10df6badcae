import { ApiError, call, get, seg } from '../api.js';
import { ago, badge, h, notice, replace } from '../dom.js';
import { formatMac } from '../labels.js';
import { session } from '../session.js';

const STATUS_BADGE = { active: 'ok', halted: 'error', completed: 'info' };
const PROGRESS_BADGE = { done: 'ok', upgraded: 'ok', offered: 'warn', waiting: 'info', absent: 'warn', 'no-return': 'error' };

/**
 * Firmware rollouts (docs/FIRMWARE.md): open firmware alerts, then each rollout with its rings,
 * the open ring, every device's progress, and halt/resume for admins.
 */
export async function rolloutsPage(root) {
  let rollouts;
  let alerts;
  try {
    [rollouts, alerts] = await Promise.all([get('/rollouts'), get('/firmware-alerts')]);
  } catch (err) {
    if (err instanceof ApiError && err.missingRoute) {
      replace(root, h('h1', null, 'Firmware rollouts'), notice('info', 'Firmware rollouts are not available on this server.'));
      return;
    }
    throw err;
  }
  const status = h('div');
  const list = h('div');
  replace(
    root,
    h('h1', null, 'Firmware rollouts'),
    alerts.items.length === 0
      ? null
      : h('section', { class: 'card alerts' }, h('h2', null, 'Firmware alerts'), alerts.items.map((a) => notice('error', `${a.code} ${a.subject}: ${a.message}`))),
    status,
    list,
  );
  if (rollouts.items.length === 0) {
    replace(list, h('p', { class: 'muted' }, 'No rollout yet. Start one with the API or `deskprov rollouts create`.'));
    return;
  }
  const details = await Promise.all(rollouts.items.map((r) => get(`/rollouts/${seg(r.id)}`)));
  replace(list, details.map(card));

  function card(rollout) {
    return h(
      'section',
      { class: 'card rollout', dataset: { id: rollout.id } },
      h('h2', null, `${rollout.model} → ${rollout.targetVersion} `, badge(STATUS_BADGE[rollout.status] ?? 'info', rollout.status)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Path'),
        h('dd', { class: 'mono' }, [...rollout.upgradePath.map((hop) => hop.version), rollout.targetVersion].join(' → ')),
        h('dt', null, 'Rings'),
        h('dd', null, rollout.rings.map((ring, i) => h('span', { class: i === rollout.ring ? 'ring ring-open' : 'ring' }, `${i + 1}. ${ring.name}${ring.devices ? ` (${ring.devices})` : ring.percent ? ` (${ring.percent} %)` : ''} `))),
        h('dt', null, 'Window'),
        h('dd', null, `${rollout.window.start}–${rollout.window.end}${rollout.window.days ? ` on ${rollout.window.days.join(', ')}` : ''} (site time), soak ${rollout.soakMinutes} min`),
        h('dt', null, 'Open ring since'),
        h('dd', null, ago(rollout.ringStartedAt)),
        rollout.haltReason ? [h('dt', null, 'Halted because'), h('dd', null, rollout.haltReason)] : null,
      ),
      h(
        'table',
        { class: 'devices' },
        h('thead', null, h('tr', null, ['Phone', 'Ring', 'Runs', 'Offered', 'Progress'].map((t) => h('th', null, t)))),
        h(
          'tbody',
          null,
          rollout.devices.map((d) =>
            h(
              'tr',
              { dataset: { mac: d.mac } },
              h('td', { class: 'mono' }, formatMac(d.mac)),
              h('td', null, d.ringName),
              h('td', { class: 'mono' }, d.version ?? '?'),
              h('td', null, d.offered ? [h('span', { class: 'mono' }, d.offered.version), ' ', ago(d.offered.at)] : '—'),
              h('td', null, badge(PROGRESS_BADGE[d.state] ?? 'info', d.state)),
            ),
          ),
        ),
      ),
      session.can('admin') ? actions(rollout) : null,
    );
  }

  function actions(rollout) {
    const verb = rollout.status === 'active' ? 'halt' : rollout.status === 'halted' ? 'resume' : null;
    if (verb === null) return null;
    return h(
      'button',
      {
        type: 'button',
        class: verb === 'halt' ? null : 'primary',
        onclick: async () => {
          try {
            await call('POST', `/rollouts/${seg(rollout.id)}/${verb}`);
            await rolloutsPage(root);
          } catch (err) {
            replace(status, notice('error', err instanceof ApiError ? err.message : String(err)));
          }
        },
      },
      verb === 'halt' ? 'Halt rollout' : 'Resume rollout',
    );
  }
}

import { ApiError, call, get, getAll, seg } from '../api.js';
import { ago, badge, field, h, notice, replace, select } from '../dom.js';
import { deviceName, formatMac, locationText, registrationBadge, STATE_BADGE, STATE_TEXT } from '../labels.js';
import { createStatusReader } from '../live-status.js';
import { session } from '../session.js';

/** One device: binding, live status, the files it fetches (masked preview, diff), history, restore. */
export async function devicePage(root, mac) {
  const [sites, users, profiles] = await Promise.all([
    getAll('/sites'),
    getAll('/users'),
    getAll('/profiles').catch(() => []),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const message = h('div');
  const body = h('div');
  replace(root, message, body);

  async function load() {
    const device = await get(`/devices/${seg(mac)}`);
    const status = await createStatusReader().of(device.mac);
    replace(
      body,
      h('h1', null, deviceName(device, userById), ' ', badge(STATE_BADGE[device.state] ?? 'muted', STATE_TEXT[device.state] ?? device.state)),
      h('p', { class: 'mono muted' }, formatMac(device.mac)),
      bindingSection(device),
      statusSection(device, status),
      filesSection(device),
      historySection(device),
    );
  }

  function bindingSection(device) {
    const b = device.binding;
    const user = b?.userId ? userById.get(b.userId) : undefined;
    const profile = profiles.find((p) => p.id === device.profileId);
    return h(
      'section',
      { class: 'card' },
      h('h2', null, 'Binding'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Kind'),
        h('dd', null, b ? (b.kind === 'user' ? 'user device' : 'standalone device') : 'not bound'),
        h('dt', null, 'Extension'),
        h('dd', { class: 'binding-extension' }, b ? String(b.extension.number) : '—'),
        h('dt', null, 'User'),
        h('dd', null, user ? `${user.name} <${user.email}>` : '—'),
        h('dt', null, 'Label'),
        h('dd', null, device.label ?? '—'),
        h('dt', null, 'Site'),
        h('dd', null, sites.find((s) => s.id === device.siteId)?.name ?? '—'),
        h('dt', null, 'Model'),
        h('dd', null, device.model),
        h('dt', null, 'Profile'),
        h('dd', null, profile ? h('a', { href: `#/profiles/${profile.id}` }, profile.name) : '—'),
        h('dt', null, 'Config revision'),
        h('dd', null, String(device.configRevision)),
        h('dt', null, 'Last fetch'),
        h('dd', null, ago(device.lastSeen?.at), device.lastSeen?.file ? ` — ${device.lastSeen.file}` : ''),
      ),
      restoreBlock(device),
      session.can('admin') ? editForm(device) : null,
    );
  }

  function restoreBlock(device) {
    const r = device.restorable;
    if (!r) return null;
    const open = Date.parse(r.until) > Date.now();
    return h(
      'div',
      { class: 'restore' },
      notice(
        open ? 'warn' : 'info',
        `Unbound (${r.reason}) from extension ${r.extension.number}; restorable until `,
        h('time', { datetime: r.until }, new Date(r.until).toLocaleString()),
        '.',
      ),
      open && session.can('admin')
        ? h('button', { type: 'button', class: 'primary', onclick: () => act('POST', `/devices/${seg(device.mac)}/restore`, undefined, 'Restored.') }, 'Restore binding')
        : null,
    );
  }

  function editForm(device) {
    const label = h('input', { name: 'label', value: device.label ?? '', maxlength: 256 });
    const profile = select({ name: 'profileId' }, [['', '(none)'], ...profiles.map((p) => [p.id, p.name])], device.profileId ?? '');
    return h(
      'form',
      {
        class: 'row edit-device',
        onsubmit: (event) => {
          event.preventDefault();
          act('PATCH', `/devices/${seg(device.mac)}`, { label: label.value.trim() || null, profileId: profile.value || null }, 'Saved.');
        },
      },
      field('Label', label),
      field('Profile', profile),
      h('button', { type: 'submit' }, 'Save'),
    );
  }

  async function act(method, path, payload, done) {
    try {
      await call(method, path, payload);
      replace(message, notice('ok', done));
      await load();
    } catch (err) {
      replace(message, notice('error', err instanceof ApiError ? err.message : String(err)));
    }
  }

  function statusSection(device, status) {
    if (status === null) {
      return h('section', { class: 'card' }, h('h2', null, 'Status'), h('p', { class: 'muted' }, 'No live status is available for this device on this server.'));
    }
    return h(
      'section',
      { class: 'card' },
      h('h2', null, 'Status'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Registered'),
        h('dd', null, registrationBadge(status.sip), status.sip?.lastError ? ` ${status.sip.lastError}` : ''),
        h('dt', null, 'Last seen'),
        h('dd', null, ago(status.lastSeen)),
        h('dt', null, 'Served'),
        h('dd', null, status.served ? [status.served.file ?? 'a file', status.served.revision === null ? '' : ` rev. ${status.served.revision}`, ' ', ago(status.served.at)] : '—'),
        h('dt', null, 'Applied'),
        h('dd', null, status.applied ? `rev. ${status.applied.revision}` : '—'),
        h('dt', null, 'Location'),
        h('dd', null, locationText(status.location)),
      ),
      status.alerts?.length ? h('ul', { class: 'alerts' }, status.alerts.map((a) => h('li', { title: a.code }, a.message))) : null,
      session.can('admin') && device.siteId ? assignLocationForm(device, status) : null,
    );
  }

  /** An admin pins the phone to a location (it wins over network matching) or clears the pin. */
  function assignLocationForm(device, status) {
    const form = h('form', { class: 'row assign-location' });
    getAll(`/locations?siteId=${seg(device.siteId)}`).then(
      (locations) => {
        const pinned = status.location?.matchedBy === 'assigned' ? status.location.id : '';
        const choice = select({ name: 'locationId' }, [['', '(match by network)'], ...locations.map((l) => [l.id, l.name])], pinned);
        replace(form, field('Assigned location', choice), h('button', { type: 'submit' }, 'Assign'));
        form.onsubmit = (event) => {
          event.preventDefault();
          act('PUT', `/devices/${seg(device.mac)}/location`, { locationId: choice.value || null }, 'Location saved.');
        };
      },
      () => form.remove(),
    );
    return form;
  }

  function filesSection(device) {
    const section = h('section', { class: 'card files' }, h('h2', null, 'Files the phone fetches'));
    const output = h('div');
    const list = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
    section.append(list, output);
    get(`/devices/${seg(device.mac)}/files`).then(
      ({ files }) => {
        if (files.length === 0) return replace(list, h('p', { class: 'muted' }, 'The phone fetches no file yet (no site or model).'));
        replace(
          list,
          h(
            'table',
            { class: 'file-list' },
            h('thead', null, h('tr', null, ['File', 'Kind', 'Size', 'Last served', 'Changed', ''].map((t) => h('th', null, t)))),
            h(
              'tbody',
              null,
              files.map((f) =>
                h(
                  'tr',
                  null,
                  h('td', { 'data-label': 'File', class: 'mono' }, f.name),
                  h('td', { 'data-label': 'Kind' }, f.kind, f.secrets ? h('small', { class: 'muted' }, ' (has secrets)') : ''),
                  h('td', { 'data-label': 'Size' }, `${f.size} B`),
                  h('td', { 'data-label': 'Last served' }, f.served ? [ago(f.served.at), ` via ${f.served.transport}`] : 'never'),
                  h('td', { 'data-label': 'Changed' }, f.changedSinceServed === null ? '—' : f.changedSinceServed ? badge('warn', 'changed') : badge('ok', 'same')),
                  h(
                    'td',
                    null,
                    h('button', { type: 'button', onclick: () => showFile(device, f.name, output) }, 'Preview'),
                    ' ',
                    f.served ? h('button', { type: 'button', onclick: () => showDiff(device, f.name, output) }, 'Diff vs served') : null,
                  ),
                ),
              ),
            ),
          ),
        );
      },
      (err) =>
        replace(
          list,
          h(
            'p',
            { class: 'muted' },
            err instanceof ApiError && err.missingRoute
              ? 'File previews are not available on this server.'
              : err instanceof ApiError && err.status === 403
                ? 'File previews are shown to admins only.'
                : `File previews failed: ${err.message}`,
          ),
        ),
    );
    return section;
  }

  async function showFile(device, name, output) {
    try {
      const { body: text } = await call('GET', `/devices/${seg(device.mac)}/files/${seg(name)}`);
      replace(output, h('h3', null, `${name} (as rendered now, secrets masked)`), h('pre', { class: 'file-preview' }, String(text)));
    } catch (err) {
      replace(output, notice('error', err.message));
    }
  }

  async function showDiff(device, name, output) {
    try {
      const diff = await get(`/devices/${seg(device.mac)}/files/${seg(name)}?diff=served`);
      const lines = diff.diff.split('\n').map((line) =>
        h('span', { class: line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : 'diff-same' }, `${line}\n`),
      );
      replace(
        output,
        h('h3', null, `${name}: change since served`, diff.served ? ` ${new Date(diff.served.at).toLocaleString()}` : ''),
        diff.changed ? h('pre', { class: 'file-diff' }, lines) : h('p', { class: 'muted' }, 'No change: the phone has the current file.'),
      );
    } catch (err) {
      replace(output, notice('error', err.message));
    }
  }

  function historySection(device) {
    const section = h('section', { class: 'card' }, h('h2', null, 'History'));
    const list = h('div');
    section.append(list);
    getAll(`/audit?entity=device:${seg(device.mac)}`, 200).then(
      (events) =>
        replace(
          list,
          events.length === 0
            ? h('p', { class: 'muted' }, 'No recorded change.')
            : h(
                'ol',
                { class: 'history' },
                events
                  .sort((a, b) => b.seq - a.seq)
                  .map((e) => h('li', null, h('time', { datetime: e.at }, new Date(e.at).toLocaleString()), ' ', h('strong', null, e.action), ' by ', e.actorName, changedFields(e))),
              ),
        ),
      (err) => replace(list, h('p', { class: 'muted' }, `History unavailable: ${err.message}`)),
    );
    return section;
  }

  await load();
}

/** " (label, state)": the top-level fields an audit event changed. */
function changedFields(event) {
  const before = event.before && typeof event.before === 'object' ? event.before : {};
  const after = event.after && typeof event.after === 'object' ? event.after : {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  return keys.length > 0 && event.before ? h('small', { class: 'muted' }, ` (${keys.join(', ')})`) : null;
}

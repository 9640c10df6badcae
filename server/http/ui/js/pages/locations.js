import { ApiError, call, getAll } from '../api.js';
import { badge, field, h, notice, replace, select } from '../dom.js';
import { deviceName } from '../labels.js';
import { createStatusReader } from '../live-status.js';
import { session } from '../session.js';

const STATUS_BADGE = { registered: 'ok', pending: 'warn', failed: 'error' };

/** Emergency locations with their registration status, the network map, and phones with no location. */
export async function locationsPage(root) {
  let locations;
  try {
    locations = await getAll('/locations');
  } catch (err) {
    if (err instanceof ApiError && err.missingRoute) {
      replace(root, h('h1', null, 'Emergency locations'), notice('info', 'Emergency locations are not available on this server.'));
      return;
    }
    throw err;
  }
  const [sites, users, map, devices] = await Promise.all([
    getAll('/sites'),
    getAll('/users'),
    getAll('/network-map').catch(() => null),
    getAll('/devices?state=provisioned').catch(() => []),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const message = h('div');
  const unlocated = h('div', null, h('p', { class: 'muted' }, 'Checking…'));

  replace(
    root,
    h('h1', null, 'Emergency locations'),
    message,
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Locations'),
      locations.length === 0
        ? h('p', { class: 'muted' }, 'No location yet.')
        : h(
            'table',
            { class: 'grid' },
            h('thead', null, h('tr', null, ['Name', 'Site', 'Address', 'Callback', 'Status', ''].map((t) => h('th', null, t)))),
            h(
              'tbody',
              null,
              locations.map((l) =>
                h(
                  'tr',
                  null,
                  h('td', { 'data-label': 'Name' }, l.name, l.default ? [' ', badge('muted', 'site default')] : null),
                  h('td', { 'data-label': 'Site' }, sites.find((s) => s.id === l.siteId)?.name ?? '—'),
                  h('td', { 'data-label': 'Address' }, addressText(l)),
                  h('td', { 'data-label': 'Callback' }, l.callbackNumber ?? '—'),
                  h('td', { 'data-label': 'Status' }, badge(STATUS_BADGE[l.status] ?? 'muted', l.status ?? 'unknown'), l.statusMessage ? h('small', { class: 'muted' }, ` ${l.statusMessage}`) : null),
                  session.can('admin') ? h('td', null, h('button', { type: 'button', onclick: (e) => editLocation(e.target.closest('tr'), l, message) }, 'Edit')) : null,
                ),
              ),
            ),
          ),
      session.can('admin') ? locationForm(sites, message) : null,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Network map'),
      map === null
        ? h('p', { class: 'muted' }, 'The network map is not available on this server.')
        : map.length === 0
          ? h('p', { class: 'muted' }, 'No network entry yet.')
          : h(
              'table',
              { class: 'grid' },
              h('thead', null, h('tr', null, ['Kind', 'Match', 'Location'].map((t) => h('th', null, t)))),
              h(
                'tbody',
                null,
                map.map((m) =>
                  h(
                    'tr',
                    null,
                    h('td', { 'data-label': 'Kind' }, m.kind),
                    h('td', { 'data-label': 'Match', class: 'mono' }, m.bssid ?? m.cidr ?? [m.chassisId?.value, m.portId].filter(Boolean).join(' port ')),
                    h('td', { 'data-label': 'Location' }, locations.find((l) => l.id === m.locationId)?.name ?? m.locationId),
                  ),
                ),
              ),
            ),
      map !== null && session.can('admin') ? mapForm(locations, message) : null,
    ),
    h('section', { class: 'card' }, h('h2', null, 'Phones without a resolved location'), unlocated),
  );

  const reader = createStatusReader();
  const missing = [];
  for (const d of devices) {
    const status = await reader.of(d.mac);
    if (reader.available === false) break;
    if (!status?.location || status.location.unresolved || status.location.matchedBy === 'siteDefault') missing.push([d, status]);
  }
  replace(
    unlocated,
    reader.available === false
      ? h('p', { class: 'muted' }, 'Device status is not available on this server.')
      : missing.length === 0
        ? h('p', { class: 'muted' }, 'Every provisioned phone has a location.')
        : h('ul', null, missing.map(([d, s]) => h('li', null, h('a', { href: `#/device/${d.mac}` }, deviceName(d, userById)), s?.location ? ` (site default: ${s.location.name})` : ' (no location)'))),
  );
}

/** Opens a small form under the row: name, callback number, site default. */
function editLocation(row, location, message) {
  if (row.nextElementSibling?.classList.contains('edit-row')) return;
  const name = h('input', { name: 'name', value: location.name });
  const callback = h('input', { name: 'callbackNumber', value: location.callbackNumber ?? '' });
  const isDefault = h('input', { type: 'checkbox', name: 'default', checked: location.default === true });
  const form = h(
    'form',
    {
      class: 'row edit-location',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await call('PATCH', `/locations/${encodeURIComponent(location.id)}`, {
            name: name.value.trim(),
            callbackNumber: callback.value.trim(),
            default: isDefault.checked,
          });
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        } catch (err) {
          replace(message, notice('error', err.message, err.field ? ` (field: ${err.field})` : ''));
        }
      },
    },
    field('Name', name),
    field('Callback number', callback),
    h('label', null, isDefault, ' site default'),
    h('button', { type: 'submit', class: 'primary' }, 'Save'),
  );
  row.after(h('tr', { class: 'edit-row' }, h('td', { colspan: 6 }, form)));
}

function addressText(location) {
  const a = location.address ?? {};
  return [[a.HNO, a.RD, a.STS].filter(Boolean).join(' '), a.A3, a.A1, a.PC, a.country].filter(Boolean).join(', ');
}

async function submit(event, message, path, body) {
  event.preventDefault();
  try {
    await call('POST', path, body);
    // Redraw the page (same route) without a full reload.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } catch (err) {
    replace(message, notice('error', err.message, err.field ? ` (field: ${err.field})` : ''));
  }
}

function locationForm(sites, message) {
  const inputs = Object.fromEntries(
    ['name', 'country', 'A1', 'A3', 'RD', 'STS', 'HNO', 'PC', 'FLR', 'ROOM', 'callbackNumber'].map((n) => [n, h('input', { name: n })]),
  );
  const site = select({ name: 'siteId' }, sites.map((s) => [s.id, s.name]));
  const v = (n) => inputs[n].value.trim();
  return h(
    'form',
    {
      class: 'add-location',
      onsubmit: (event) => {
        const place = Object.fromEntries([['FLR', v('FLR')], ['ROOM', v('ROOM')]].filter(([, x]) => x));
        const address = Object.fromEntries(['country', 'A1', 'A3', 'RD', 'STS', 'HNO', 'PC'].map((n) => [n, v(n)]).filter(([, x]) => x));
        submit(event, message, '/locations', {
          siteId: site.value,
          name: v('name'),
          address,
          ...(Object.keys(place).length ? { place } : {}),
          callbackNumber: v('callbackNumber'),
        });
      },
    },
    h('h3', null, 'Add a location'),
    h('div', { class: 'row' }, field('Site', site), field('Name', inputs.name), field('Callback number (E.164)', inputs.callbackNumber)),
    h('div', { class: 'row' }, field('House no.', inputs.HNO), field('Street', inputs.RD), field('Suffix', inputs.STS), field('City', inputs.A3)),
    h('div', { class: 'row' }, field('State/region', inputs.A1), field('Postal code', inputs.PC), field('Country', inputs.country), field('Floor', inputs.FLR), field('Room', inputs.ROOM)),
    h('button', { type: 'submit', class: 'primary' }, 'Add location'),
  );
}

function mapForm(locations, message) {
  const kind = select({ name: 'kind' }, [['bssid', 'Wi-Fi BSSID'], ['switchPort', 'switch port'], ['switch', 'switch'], ['subnet', 'subnet']]);
  const loc = select({ name: 'locationId' }, locations.map((l) => [l.id, l.name]));
  const match = h('input', { name: 'match', placeholder: 'aa:bb:cc:dd:ee:f*, 10.1.2.0/24, chassis id' });
  const port = h('input', { name: 'portId', placeholder: 'port (switch port only)' });
  return h(
    'form',
    {
      class: 'add-map',
      onsubmit: (event) => {
        const m = match.value.trim();
        const body = { locationId: loc.value, kind: kind.value };
        if (kind.value === 'bssid') body.bssid = m;
        else if (kind.value === 'subnet') body.cidr = m;
        else body.chassisId = m;
        if (kind.value === 'switchPort') body.portId = port.value.trim();
        submit(event, message, '/network-map', body);
      },
    },
    h('h3', null, 'Add a network entry'),
    h('div', { class: 'row' }, field('Kind', kind), field('Match', match), field('Port', port), field('Location', loc)),
    h('button', { type: 'submit', class: 'primary' }, 'Add entry'),
  );
}

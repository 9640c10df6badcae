import { getAll } from '../api.js';
import { ago, badge, field, h, notice, replace, select } from '../dom.js';
import { deviceName, formatMac, locationText, registrationBadge, STATE_BADGE, STATE_TEXT } from '../labels.js';
import { createStatusReader, POLL_MS, watchChanges } from '../live-status.js';
import { session } from '../session.js';

/**
 * The landing page: every device with model, extension, user, state, registration, last seen and
 * emergency location; devices with alerts first. Refreshes from the status stream, else by polling.
 */
export async function livePage(root) {
  const [sites, users, models] = await Promise.all([
    getAll('/sites'),
    getAll('/users'),
    getAll('/models').catch(() => []),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const modelById = new Map(models.map((m) => [m.id, m]));
  const statuses = createStatusReader();
  const view = { devices: [], status: new Map(), mode: 'connecting', updatedAt: null };
  // An installer works at one site: start there.
  const filters = { site: session.me?.siteId ?? '', state: '', model: '', text: '' };

  const siteFilter = select(
    { name: 'site', onchange: (e) => setFilter('site', e.target.value) },
    [['', 'All sites'], ...sites.map((s) => [s.id, s.name])],
    filters.site,
  );
  const stateFilter = select({ name: 'state', onchange: (e) => setFilter('state', e.target.value) }, [
    ['', 'All states'],
    ...Object.entries(STATE_TEXT),
  ]);
  const modelFilter = select({ name: 'model', onchange: (e) => setFilter('model', e.target.value) }, [['', 'All models']]);
  const textFilter = h('input', {
    type: 'search',
    name: 'text',
    placeholder: 'Name, MAC, extension…',
    oninput: (e) => setFilter('text', e.target.value),
  });
  const modeLine = h('p', { class: 'live-mode muted' });
  const statusNote = h('div');
  const table = h('div', { class: 'live-table' });

  replace(
    root,
    h('h1', null, 'Live view'),
    h('div', { class: 'filters' }, field('Site', siteFilter), field('State', stateFilter), field('Model', modelFilter), field('Search', textFilter)),
    modeLine,
    statusNote,
    table,
  );

  function setFilter(name, value) {
    filters[name] = value;
    draw();
  }

  /**
   * Reads the device list and every device's status in parallel and draws each as soon as it
   * arrives, so a change shows after one round trip even on a busy server.
   */
  async function refresh({ statuses: all } = { statuses: true }) {
    const known = all ? view.devices.map((d) => d.mac) : [];
    const listed = getAll('/devices').then((devices) => {
      view.devices = devices;
      view.updatedAt = new Date();
      draw();
      return devices;
    });
    const readStatuses = async (macs) => {
      const pairs = await mapLimited(macs, 8, async (mac) => [mac, await statuses.of(mac)]);
      for (const [mac, status] of pairs) view.status.set(mac, status);
    };
    await Promise.all([listed, readStatuses(known)]);
    // Devices new to the view (or all of them, when the stream is not there to push statuses).
    const added = view.devices.map((d) => d.mac).filter((mac) => !known.includes(mac) && (all || !view.status.has(mac)));
    if (added.length > 0) await readStatuses(added);
    view.updatedAt = new Date();
    draw();
  }

  function drawModelFilter() {
    const ids = [...new Set(view.devices.map((d) => d.model))].sort();
    if (modelFilter.options.length === ids.length + 1) return;
    replace(
      modelFilter,
      h('option', { value: '' }, 'All models'),
      ids.map((id) => h('option', { value: id, selected: id === filters.model }, modelById.get(id)?.name ?? id)),
    );
  }

  function matches(device) {
    if (filters.site && device.siteId !== filters.site) return false;
    if (filters.state && device.state !== filters.state) return false;
    if (filters.model && device.model !== filters.model) return false;
    const text = filters.text.trim().toLowerCase();
    if (!text) return true;
    const user = device.binding?.userId ? userById.get(device.binding.userId) : undefined;
    const status = view.status.get(device.mac);
    return [device.mac, formatMac(device.mac), device.label, device.model, user?.name, device.binding?.extension.number, status?.location?.name]
      .filter((v) => v !== null && v !== undefined)
      .some((v) => String(v).toLowerCase().includes(text));
  }

  function alertsOf(device) {
    return view.status.get(device.mac)?.alerts ?? [];
  }

  function draw() {
    drawModelFilter();
    modeLine.textContent =
      view.mode === 'stream'
        ? 'Live: statuses arrive from the status stream.'
        : view.mode === 'polling'
          ? `Live: refreshed every ${POLL_MS / 1000} s (no status stream).`
          : 'Connecting…';
    if (view.updatedAt) modeLine.append(` Last update ${view.updatedAt.toLocaleTimeString()}.`);
    replace(
      statusNote,
      statuses.available === false
        ? notice('info', 'Registration, emergency location and alerts are not available on this server (no device status API).')
        : null,
    );

    const rows = view.devices
      .filter(matches)
      .sort((a, b) => alertsOf(b).length - alertsOf(a).length || deviceName(a, userById).localeCompare(deviceName(b, userById)));
    if (rows.length === 0) {
      replace(table, h('p', { class: 'muted' }, view.devices.length === 0 ? 'No devices yet.' : 'No device matches the filters.'));
      return;
    }
    replace(
      table,
      h(
        'table',
        { class: 'devices' },
        h('thead', null, h('tr', null, ['Device', 'Model', 'Extension', 'User', 'State', 'Registered', 'Last seen', 'Location', 'Alerts'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows.map(row)),
      ),
    );
  }

  function row(device) {
    const status = view.status.get(device.mac) ?? null;
    const alerts = alertsOf(device);
    const user = device.binding?.userId ? userById.get(device.binding.userId) : undefined;
    const cell = (label, ...content) => h('td', { 'data-label': label }, ...content);
    return h(
      'tr',
      { class: alerts.length > 0 ? 'has-alerts' : null, dataset: { mac: device.mac } },
      cell('Device', h('a', { href: `#/device/${device.mac}`, class: 'device-name' }, deviceName(device, userById)), h('small', { class: 'mac' }, formatMac(device.mac))),
      cell('Model', modelById.get(device.model)?.name ?? device.model),
      cell('Extension', device.binding ? String(device.binding.extension.number) : '—'),
      cell('User', user ? user.name : device.binding?.kind === 'standalone' ? h('span', { class: 'muted' }, 'standalone') : '—'),
      cell('State', badge(STATE_BADGE[device.state] ?? 'muted', STATE_TEXT[device.state] ?? device.state)),
      cell('Registered', registrationBadge(status?.sip)),
      cell('Last seen', ago(status?.lastSeen ?? device.lastSeen?.at)),
      cell(
        'Location',
        statuses.available === false ? h('span', { class: 'muted' }, 'n/a') : locationText(status?.location),
      ),
      cell('Alerts', alerts.length === 0 ? h('span', { class: 'muted' }, 'none') : h('ul', { class: 'alerts' }, alerts.map((a) => h('li', { title: a.code }, a.message)))),
    );
  }

  await refresh();
  return watchChanges(
    {
      refresh,
      onStatus: (status) => {
        view.status.set(status.mac, status);
        draw();
      },
    },
    (mode) => {
      view.mode = mode;
      draw();
    },
  );
}

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight, so a big site does not flood the server. */
async function mapLimited(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

import { ApiError, call, get, getAll, seg } from '../api.js';
import { field, h, notice, replace, select } from '../dom.js';
import { formatMac } from '../labels.js';
import { session } from '../session.js';
import { unsavedPreviewPanel } from './profile-unsaved-preview.js';

const TRANSPORTS = [['', 'inherit'], ['udp', 'UDP'], ['tcp', 'TCP'], ['tls', 'TLS']];
const KEY_TYPES = [['line', 'line'], ['blf', 'BLF'], ['speeddial', 'speed dial']];

/**
 * Edits one profile: canonical settings and per-vendor raw keys. Saves with `If-Match`; a
 * concurrent change (412) is shown and never overwritten. Validation messages come from the API.
 */
export async function profileEditorPage(root, id) {
  const editable = session.can('admin');
  const [profiles, devices] = await Promise.all([getAll('/profiles'), getAll('/devices').catch(() => [])]);
  const message = h('div', { class: 'editor-message' });
  const form = h('form', { class: 'profile-editor' });
  const preview = h('section', { class: 'card preview' });
  const unsavedSlot = h('div');
  replace(root, message, form, unsavedSlot, preview);

  let current = null;
  let etag = null;
  /** The line-key and raw-key table bodies of the form as drawn now. */
  let keyRows = null;
  let rawRows = null;

  async function load() {
    const res = await call('GET', `/profiles/${seg(id)}`);
    current = res.body;
    etag = res.headers.get('etag');
    drawForm();
  }

  const input = (path, value, attrs = {}) =>
    h('input', { name: path, value: value ?? '', disabled: !editable, dataset: { path }, ...attrs });

  function drawForm() {
    const s = current.settings;
    const keys = h('tbody');
    const raws = h('tbody');
    keyRows = keys;
    rawRows = raws;
    for (const key of s.keys ?? []) keys.append(keyRow(key));
    for (const [vendor, entries] of Object.entries(s.raw ?? {})) {
      for (const [key, value] of Object.entries(entries)) raws.append(rawRow(vendor, key, value));
    }
    const parent = select(
      { name: 'parentId', disabled: !editable, dataset: { path: 'parentId' } },
      [['', '(none)'], ...profiles.filter((p) => p.id !== current.id).map((p) => [p.id, p.name])],
      current.parentId ?? '',
    );
    const lldp = select(
      { name: 'network.lldp', disabled: !editable, dataset: { path: 'settings.network.lldp' } },
      [['', 'inherit'], ['true', 'on'], ['false', 'off']],
      s.network?.lldp === undefined ? '' : String(s.network.lldp),
    );
    const transport = select({ name: 'sip.transport', disabled: !editable, dataset: { path: 'settings.sip.transport' } }, TRANSPORTS, s.sip?.transport ?? '');

    replace(
      form,
      h('h1', null, editable ? 'Edit profile ' : 'Profile ', h('span', { class: 'profile-name' }, current.name)),
      h('p', { class: 'muted' }, `Revision ${current.revision}, changed ${new Date(current.updatedAt).toLocaleString()}.`, editable ? '' : ' Read only for your role.'),
      h(
        'fieldset',
        null,
        h('legend', null, 'Profile'),
        h('div', { class: 'row' }, field('Name', input('name', current.name, { required: true, maxlength: 256 })), field('Inherits from', parent)),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, 'Canonical settings'),
        h('p', { class: 'muted' }, 'Empty means inherited from the parent profile or the model defaults.'),
        h(
          'div',
          { class: 'row' },
          field('NTP server', input('settings.time.ntp', s.time?.ntp, { maxlength: 255 })),
          field('Time zone', input('settings.time.timezone', s.time?.timezone, { placeholder: 'Europe/Berlin', maxlength: 64 })),
          field('Language', input('settings.language', s.language, { placeholder: 'en' })),
        ),
        h(
          'div',
          { class: 'row' },
          field('LLDP', lldp),
          field('Voice VLAN', input('settings.network.vlan', s.network?.vlan, { inputmode: 'numeric' })),
          field('SIP transport', transport),
          field('SIP port', input('settings.sip.port', s.sip?.port, { inputmode: 'numeric' })),
        ),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, 'Line keys'),
        h('table', { class: 'grid keys' }, h('thead', null, h('tr', null, ['#', 'Type', 'Value', 'Label', ''].map((t) => h('th', null, t)))), keys),
        editable ? h('button', { type: 'button', onclick: () => keys.append(keyRow({ index: keys.rows.length + 1, type: 'blf', value: '', label: '' })) }, 'Add key') : null,
      ),
      h(
        'fieldset',
        null,
        h('legend', null, 'Vendor raw keys'),
        h('p', { class: 'muted' }, 'Written as-is into that vendor\u2019s files, after the canonical settings.'),
        h('table', { class: 'grid raw' }, h('thead', null, h('tr', null, ['Vendor', 'Key', 'Value', ''].map((t) => h('th', null, t)))), raws),
        editable ? h('button', { type: 'button', onclick: () => raws.append(rawRow('', '', '')) }, 'Add raw key') : null,
      ),
      editable ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save')) : null,
    );
    form.onsubmit = (event) => {
      event.preventDefault();
      save(keys, raws);
    };
  }

  function removeButton() {
    return editable ? h('button', { type: 'button', class: 'link', onclick: (e) => e.target.closest('tr').remove() }, 'Remove') : null;
  }

  function keyRow(key) {
    return h(
      'tr',
      { class: 'key-row' },
      h('td', null, h('input', { name: 'index', value: key.index, size: 3, disabled: !editable, inputmode: 'numeric' })),
      h('td', null, select({ name: 'type', disabled: !editable }, KEY_TYPES, key.type)),
      h('td', null, h('input', { name: 'value', value: key.value, disabled: !editable })),
      h('td', null, h('input', { name: 'label', value: key.label, disabled: !editable })),
      h('td', null, removeButton()),
    );
  }

  function rawRow(vendor, key, value) {
    return h(
      'tr',
      { class: 'raw-row' },
      h('td', null, h('input', { name: 'vendor', value: vendor, placeholder: 'yealink', disabled: !editable })),
      h('td', null, h('input', { name: 'key', value: key, disabled: !editable })),
      h('td', null, h('input', { name: 'value', value, disabled: !editable })),
      h('td', null, removeButton()),
    );
  }

  /** The form as a profile body; numbers the person typed stay numbers so the API validates them. */
  function readForm(keys, raws) {
    const val = (path) => form.querySelector(`[data-path="${path}"]`).value.trim();
    const num = (text) => (text === '' ? undefined : /^-?\d+$/.test(text) ? Number(text) : text);
    const prune = (o) => {
      const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
      return Object.keys(out).length > 0 ? out : undefined;
    };
    const lldp = val('settings.network.lldp');
    const raw = {};
    for (const row of raws.rows) {
      const [vendor, key, value] = ['vendor', 'key', 'value'].map((n) => row.querySelector(`[name=${n}]`).value);
      if (vendor.trim() === '' && key.trim() === '') continue;
      (raw[vendor.trim()] ??= {})[key.trim()] = value;
    }
    const settings = prune({
      ...current.settings,
      time: prune({ ntp: val('settings.time.ntp'), timezone: val('settings.time.timezone') }),
      network: prune({ lldp: lldp === '' ? undefined : lldp === 'true', vlan: num(val('settings.network.vlan')) }),
      sip: prune({ transport: val('settings.sip.transport'), port: num(val('settings.sip.port')) }),
      language: val('settings.language') || undefined,
      keys: keys.rows.length > 0
        ? [...keys.rows].map((row) => ({
            index: num(row.querySelector('[name=index]').value.trim()),
            type: row.querySelector('[name=type]').value,
            value: row.querySelector('[name=value]').value,
            label: row.querySelector('[name=label]').value,
          }))
        : undefined,
      raw: Object.keys(raw).length > 0 ? raw : undefined,
    }) ?? {};
    return { name: val('name'), parentId: val('parentId') || null, settings };
  }

  async function save(keys, raws) {
    for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
    try {
      const res = await call('PUT', `/profiles/${seg(id)}`, readForm(keys, raws), { 'if-match': etag });
      current = res.body;
      etag = res.headers.get('etag');
      drawForm();
      replace(message, notice('ok', `Saved: revision ${current.revision}.`));
      unsaved?.refresh();
      await showPreview();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 412) {
        replace(
          message,
          notice(
            'error',
            'Someone else changed this profile while you were editing it, so nothing was saved. ',
            'Your edits are still in the form. ',
            h('button', { type: 'button', onclick: () => load().then(() => replace(message, notice('info', 'Loaded the latest version.'))) }, 'Load the latest version'),
            ' (discards your edits) and apply your change again.',
          ),
        );
        message.firstChild.classList.add('conflict');
        return;
      }
      const target = err.field ? fieldElement(err.field, keys) : null;
      target?.classList.add('invalid');
      target?.focus();
      const named = !err.field || err.message.includes(err.field);
      replace(message, notice('error', err.message, named ? '' : ` (field: ${err.field})`));
    }
  }

  /** The input an API `field` names (`settings.sip.port`, `/settings/sip/port`, `settings.keys.2.value`). */
  function fieldElement(name, keys) {
    const path = name.replace(/^\//, '').replace(/\//g, '.').replace(/^body\./, '');
    const key = /^(?:settings\.)?keys\.(\d+)\.(index|type|value|label)$/.exec(path);
    if (key) return keys.rows[Number(key[1])]?.querySelector(`[name=${key[2]}]`) ?? null;
    for (const candidate of [path, `settings.${path}`]) {
      const el = form.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
      if (el) return el;
    }
    return null;
  }

  /** The devices using this profile and their files as rendered now (the API previews saved settings). */
  const users = await getAll('/users').catch(() => []);
  const using = devices.filter((d) => d.profileId === id && d.siteId !== null);
  const deviceSel = select(
    { name: 'previewDevice' },
    using.map((d) => [d.mac, `${d.label ?? users.find((u) => u.id === d.binding?.userId)?.name ?? formatMac(d.mac)} — ${d.model}`]),
  );
  const fileSel = h('select', { name: 'previewFile' });
  const previewOut = h('div');

  async function loadFileNames() {
    if (!deviceSel.value) return;
    try {
      const { files } = await get(`/devices/${seg(deviceSel.value)}/files`);
      // The device's own config file shows the profile's settings; shared files do not carry them.
      const main = files.find((f) => f.kind === 'device') ?? files.find((f) => f.perDevice) ?? files[0];
      replace(fileSel, files.map((f) => h('option', { value: f.name, selected: f === main }, f.name)));
    } catch (err) {
      replace(previewOut, notice('info', err instanceof ApiError && err.missingRoute ? 'Rendered previews are not available on this server.' : err.message));
    }
  }

  async function showPreview() {
    if (!deviceSel.value || !fileSel.value) return;
    try {
      const { body: text } = await call('GET', `/devices/${seg(deviceSel.value)}/files/${seg(fileSel.value)}`);
      replace(previewOut, h('p', { class: 'muted' }, `${fileSel.value} for ${formatMac(deviceSel.value)}, rendered from the saved profile (secrets masked):`), h('pre', { class: 'file-preview' }, String(text)));
    } catch (err) {
      replace(previewOut, notice('error', err.message));
    }
  }

  deviceSel.addEventListener('change', () => loadFileNames().then(showPreview));
  fileSel.addEventListener('change', showPreview);
  replace(
    preview,
    h('h2', null, 'Rendered preview'),
    using.length === 0
      ? h('p', { class: 'muted' }, 'No device uses this profile yet; assign it on a device page to preview its files.')
      : [h('div', { class: 'row' }, field('Device', deviceSel), field('File', fileSel)), previewOut],
  );

  // Preview before saving (admins: the endpoint renders with the form's unsaved settings).
  const sample = using[0];
  const unsaved = editable
    ? await unsavedPreviewPanel({
        profileId: id,
        readBody: () => readForm(keyRows, rawRows),
        etag: () => etag,
        defaults: sample ? { model: sample.model, siteId: sample.siteId } : {},
      }).catch(() => null)
    : null;
  if (unsaved) {
    replace(unsavedSlot, unsaved.element);
    form.addEventListener('input', unsaved.schedule);
    form.addEventListener('change', unsaved.schedule);
    // Adding or removing a key row changes the profile without an input event.
    form.addEventListener('click', (event) => {
      if (event.target instanceof HTMLButtonElement && event.target.type === 'button') unsaved.schedule();
    });
  }

  await load();
  unsaved?.refresh();
  if (using.length > 0 && session.can('admin')) await loadFileNames().then(showPreview);
}

import { ApiError, call, getAll, seg } from '../api.js';
import { ago, badge, field, h, notice, replace, select } from '../dom.js';
import { formatMac, STATE_TEXT } from '../labels.js';
import { session } from '../session.js';

/**
 * Phones that asked for their files but are not bound yet. Installers and admins claim them as a
 * user device (pick the user) or a standalone device (give a label); the extension is shown at once.
 */
export async function discoveredPage(root) {
  const [sites, users, models] = await Promise.all([getAll('/sites'), getAll('/users'), getAll('/models').catch(() => [])]);
  const results = h('div', { class: 'claimed' });
  const list = h('div');
  replace(root, h('h1', null, 'Discovered phones'), results, list);

  async function load() {
    const devices = [...(await getAll('/devices?state=awaiting-claim')), ...(await getAll('/devices?state=discovered'))];
    if (devices.length === 0) {
      replace(list, h('p', { class: 'muted' }, 'No phone is waiting to be claimed.'));
      return;
    }
    replace(list, devices.map(card));
  }

  function card(device) {
    const seen = device.lastSeen;
    return h(
      'section',
      { class: 'card discovered', dataset: { mac: device.mac } },
      h('h2', null, formatMac(device.mac), ' ', badge('warn', STATE_TEXT[device.state] ?? device.state)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Model'),
        h('dd', null, models.find((m) => m.id === device.model)?.name ?? device.model),
        h('dt', null, 'Site'),
        h('dd', null, sites.find((s) => s.id === device.siteId)?.name ?? 'unknown network'),
        h('dt', null, 'Last seen'),
        h('dd', null, ago(seen?.at), seen?.ip ? ` from ${seen.ip}` : ''),
        seen?.userAgent ? [h('dt', null, 'User agent'), h('dd', { class: 'mono' }, seen.userAgent)] : null,
      ),
      session.can('installer') ? claimForm(device) : null,
    );
  }

  function claimForm(device) {
    const mySite = session.me.siteId;
    const siteChoices = sites.filter((s) => mySite === null || s.id === mySite);
    const siteSel = select({ name: 'siteId', required: true }, siteChoices.map((s) => [s.id, s.name]), device.siteId ?? siteChoices[0]?.id);
    const modelSel = select({ name: 'model' }, models.map((m) => [m.id, `${m.name} (${m.id})`]), device.model);
    const userSel = h('select', { name: 'userId' });
    const label = h('input', { name: 'label', maxlength: 256, placeholder: 'e.g. Lobby phone' });
    const kindUser = h('input', { type: 'radio', name: `kind-${device.mac}`, value: 'user', checked: true });
    const kindStandalone = h('input', { type: 'radio', name: `kind-${device.mac}`, value: 'standalone' });
    const userField = field('User', userSel);
    const labelField = field('Label', label);
    const status = h('div');

    const fillUsers = () => {
      const here = users.filter((u) => u.siteId === siteSel.value);
      replace(userSel, here.map((u) => h('option', { value: u.id }, `${u.name} — ext. ${u.extension.number}`)));
    };
    const showKind = () => {
      userField.hidden = !kindUser.checked;
      labelField.hidden = kindUser.checked;
    };
    siteSel.addEventListener('change', fillUsers);
    kindUser.addEventListener('change', showKind);
    kindStandalone.addEventListener('change', showKind);
    fillUsers();
    showKind();

    return h(
      'form',
      {
        class: 'claim',
        onsubmit: async (event) => {
          event.preventDefault();
          const body = { siteId: siteSel.value, model: modelSel.value };
          if (kindUser.checked) body.userId = userSel.value;
          else {
            body.standalone = true;
            if (label.value.trim()) body.label = label.value.trim();
          }
          try {
            const { body: claimed } = await call('POST', `/devices/${seg(device.mac)}/claim`, body);
            const who = claimed.binding.kind === 'user' ? users.find((u) => u.id === claimed.binding.userId)?.name : claimed.label;
            results.prepend(
              notice(
                'ok',
                h('a', { href: `#/device/${claimed.mac}` }, formatMac(claimed.mac)),
                ` is ${claimed.state} with extension `,
                h('strong', { class: 'claimed-extension' }, String(claimed.binding.extension.number)),
                who ? ` (${who})` : '',
                '.',
              ),
            );
            await load();
          } catch (err) {
            replace(status, notice('error', err instanceof ApiError ? err.message : String(err)));
          }
        },
      },
      h('div', { class: 'row' }, field('Site', siteSel), field('Model', modelSel)),
      h('fieldset', { class: 'kind' }, h('legend', null, 'Claim as'), h('label', null, kindUser, ' user device'), h('label', null, kindStandalone, ' standalone device')),
      userField,
      labelField,
      h('button', { type: 'submit', class: 'primary' }, 'Claim'),
      status,
    );
  }

  await load();
}

import { ApiError, call, get, getAll, seg } from '../api.js';
import { field, h, notice, replace, select } from '../dom.js';

/** Wait after the last keystroke before asking the server to render again. */
const DEBOUNCE_MS = 300;

/**
 * "Preview before saving": renders the profile as it stands in the form, unsaved, for a sample
 * phone of a chosen model at a chosen site (`POST /profiles/preview`, secrets masked), and asks
 * the server what saving would change (`PUT /profiles/{id}?dryRun=true`: devices per model).
 * Answers that arrive after a newer request are dropped, so the shown file is always the latest.
 *
 * @param {object} options
 * @param {string} options.profileId
 * @param {() => {name: string, parentId: string | null, settings: object}} options.readBody the form as a PUT body
 * @param {() => string | null} options.etag the revision the form was loaded at
 * @param {{model?: string, siteId?: string}} options.defaults a device using the profile, when there is one
 * @returns {Promise<{element: HTMLElement, refresh: () => void, schedule: () => void}>}
 */
export async function unsavedPreviewPanel({ profileId, readBody, etag, defaults }) {
  const [models, sites] = await Promise.all([get('/models').then((r) => r.items), getAll('/sites')]);
  const modelSel = select(
    { name: 'unsavedModel' },
    models.map((m) => [m.id, `${m.vendor} ${m.name}`]),
    defaults.model ?? models[0]?.id,
  );
  const siteSel = select({ name: 'unsavedSite' }, sites.map((s) => [s.id, s.name]), defaults.siteId ?? sites[0]?.id);
  const fileSel = h('select', { name: 'unsavedFile' });
  const impact = h('div', { class: 'unsaved-impact' });
  const out = h('div', { class: 'unsaved-out' });
  let sequence = 0;
  let timer = null;

  async function refresh() {
    const mine = ++sequence;
    let body;
    try {
      body = readBody();
    } catch {
      return;
    }
    if (!modelSel.value || !siteSel.value) {
      replace(out, h('p', { class: 'muted' }, 'Add a site to preview files.'));
      return;
    }
    try {
      const { body: preview } = await call('POST', '/profiles/preview', {
        settings: body.settings,
        parentId: body.parentId,
        model: modelSel.value,
        siteId: siteSel.value,
      });
      if (mine !== sequence) return;
      const chosen = preview.files.find((f) => f.name === fileSel.value) ?? preview.files.find((f) => f.kind === 'device') ?? preview.files[0];
      replace(fileSel, preview.files.map((f) => h('option', { value: f.name, selected: f === chosen }, f.name)));
      replace(
        out,
        h('p', { class: 'muted' }, `${chosen.name} for a sample phone, from the unsaved form (secrets masked)`, chosen.perDevice ? ':' : '; a shared file, served with the site\u2019s values and no profile:'),
        h('pre', { class: 'unsaved-file-preview' }, chosen.body),
      );
    } catch (err) {
      if (mine !== sequence) return;
      if (!(err instanceof ApiError)) throw err;
      replace(out, notice('error', err.missingRoute ? 'Previews before saving are not available on this server.' : err.message, err.field && !err.message.includes(err.field) ? ` (field: ${err.field})` : ''));
      return;
    }
    try {
      const { body: dry } = await call('PUT', `/profiles/${seg(profileId)}?dryRun=true`, body, { 'if-match': etag() ?? '' });
      if (mine !== sequence) return;
      const per = Object.entries(dry.affected.byModel).map(([model, n]) => `${n} \u00d7 ${model}`).join(', ');
      replace(impact, notice('info', dry.affected.total === 0 ? 'Saving would change no phone\u2019s files.' : `Saving would change the files of ${dry.affected.total} phone(s): ${per}.`));
    } catch (err) {
      if (mine !== sequence) return;
      if (!(err instanceof ApiError)) throw err;
      // A stale revision or an invalid form is reported by Save itself; the count just goes away.
      replace(impact);
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), DEBOUNCE_MS);
  }

  modelSel.addEventListener('change', () => {
    replace(fileSel);
    void refresh();
  });
  siteSel.addEventListener('change', () => void refresh());
  fileSel.addEventListener('change', () => void refresh());

  const element = h(
    'section',
    { class: 'card unsaved-preview' },
    h('h2', null, 'Preview before saving'),
    h('p', { class: 'muted' }, 'What a phone would get with the settings as they are in the form now. Nothing is saved.'),
    h('div', { class: 'row' }, field('Model', modelSel), field('Site', siteSel), field('File', fileSel)),
    impact,
    out,
  );
  return { element, refresh, schedule };
}

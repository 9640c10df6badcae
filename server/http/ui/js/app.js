import { ApiError, token } from './api.js';
import { h, notice, replace } from './dom.js';
import { session } from './session.js';
import { livePage } from './pages/live.js';
import { discoveredPage } from './pages/discovered.js';
import { devicePage } from './pages/device.js';
import { profilesPage } from './pages/profiles.js';
import { profileEditorPage } from './pages/profile-editor.js';
import { locationsPage } from './pages/locations.js';
import { rolloutsPage } from './pages/rollouts.js';

/** Hash routes: `#/<section>/<id>`; a page returns an optional stop function (timers, streams). */
const ROUTES = {
  live: () => livePage,
  discovered: () => discoveredPage,
  device: (id) => (id ? devicePage : null),
  profiles: (id) => (id ? profileEditorPage : profilesPage),
  locations: () => locationsPage,
  rollouts: () => rolloutsPage,
};

const NAV = [
  ['live', 'Live view'],
  ['discovered', 'Discovered'],
  ['profiles', 'Profiles'],
  ['locations', 'Locations'],
  ['rollouts', 'Firmware'],
];

const main = () => document.getElementById('main');
let stopPage = null;

function parseHash() {
  const [section = 'live', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { section: section || 'live', id: rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined };
}

function drawChrome() {
  const { section } = parseHash();
  replace(
    document.getElementById('nav'),
    session.me
      ? NAV.map(([key, text]) => h('a', { href: `#/${key}`, class: key === section ? 'active' : null }, text))
      : null,
  );
  replace(
    document.getElementById('who'),
    session.me
      ? [
          h('span', { class: 'who-name' }, session.me.name),
          ' ',
          h('span', { class: 'badge badge-role', 'data-role': session.me.role }, session.me.role),
          ' ',
          h('button', { type: 'button', class: 'link', onclick: logout }, 'Sign out'),
        ]
      : null,
  );
}

function logout() {
  token.clear();
  session.me = null;
  route();
}

function loginPage(root, message) {
  // No `name`: even if the script failed mid-way, a native form submit could not put the token in a URL.
  const input = h('input', { type: 'password', autocomplete: 'off', required: true, id: 'token' });
  const status = h('div');
  const form = h(
    'form',
    {
      class: 'card login',
      onsubmit: async (event) => {
        event.preventDefault();
        token.set(input.value.trim());
        try {
          await session.load();
          route();
        } catch (err) {
          token.clear();
          replace(status, notice('error', err instanceof ApiError ? err.message : 'The server did not answer.'));
        }
      },
    },
    h('h1', null, 'Sign in'),
    h('p', null, 'Paste an API token (admin or installer). It stays in this tab only.'),
    h('label', { class: 'field', for: 'token' }, h('span', { class: 'field-label' }, 'API token'), input),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    status,
  );
  replace(root, message ? notice('warn', message) : null, form);
  input.focus();
}

async function route() {
  stopPage?.();
  stopPage = null;
  const root = main();
  if (!token.get()) {
    session.me = null;
    drawChrome();
    loginPage(root);
    return;
  }
  if (!session.me) {
    try {
      await session.load();
    } catch (err) {
      token.clear();
      drawChrome();
      loginPage(root, err instanceof ApiError ? err.message : 'The server did not answer.');
      return;
    }
  }
  drawChrome();
  const { section, id } = parseHash();
  const page = ROUTES[section]?.(id);
  if (!page) {
    replace(root, notice('error', 'No such page.'));
    return;
  }
  replace(root, h('p', { class: 'muted' }, 'Loading…'));
  try {
    stopPage = (await page(root, id)) ?? null;
  } catch (err) {
    replace(root, notice('error', err instanceof ApiError ? `${err.message} (${err.code})` : String(err)));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('deskprov:logout', () => {
  session.me = null;
  route();
});
route();

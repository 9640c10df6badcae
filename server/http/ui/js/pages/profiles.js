import { call, getAll } from '../api.js';
import { field, h, notice, replace } from '../dom.js';
import { session } from '../session.js';

/** The profile list; admins may add one. */
export async function profilesPage(root) {
  const profiles = await getAll('/profiles');
  const status = h('div');
  const name = h('input', { name: 'name', required: true, maxlength: 256, placeholder: 'e.g. Head office' });
  replace(
    root,
    h('h1', null, 'Profiles'),
    profiles.length === 0
      ? h('p', { class: 'muted' }, 'No profile yet.')
      : h('ul', { class: 'profile-list' }, profiles.map((p) => h('li', null, h('a', { href: `#/profiles/${p.id}` }, p.name), h('small', { class: 'muted' }, ` rev. ${p.revision}`)))),
    session.can('admin')
      ? h(
          'form',
          {
            class: 'card row',
            onsubmit: async (event) => {
              event.preventDefault();
              try {
                const { body } = await call('POST', '/profiles', { name: name.value.trim(), settings: {} });
                location.hash = `#/profiles/${body.id}`;
              } catch (err) {
                replace(status, notice('error', err.message));
              }
            },
          },
          field('New profile', name),
          h('button', { type: 'submit', class: 'primary' }, 'Add'),
          status,
        )
      : null,
  );
}

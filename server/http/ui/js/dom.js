/**
 * The console's only way to build DOM. Strings always become text nodes (never HTML), so a
 * value from the API can never turn into markup or script.
 */

/**
 * Creates an element. `attrs`: `class`, `on<event>` handlers, boolean properties (`disabled`,
 * `checked`, `selected`), `value`, `dataset` (object); anything else is set as an attribute.
 * Children: nodes, strings or numbers (as text), arrays, null/undefined/false (skipped).
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (name === 'class') {
      el.className = String(value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' || name === 'disabled' || name === 'checked' || name === 'selected') {
      /** @type {any} */ (el)[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children the way `h` does. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** `<select>` from `[value, text]` pairs. */
export function select(attrs, options, chosen) {
  return h(
    'select',
    attrs,
    options.map(([value, text]) => h('option', { value, selected: String(value) === String(chosen ?? '') }, text)),
  );
}

/** A labelled form field. */
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('small', null, hint) : null);
}

/** A status message; `kind` is `info`, `ok`, `error` or `warn`. */
export function notice(kind, ...text) {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...text);
}

/** "3 min ago" style time, with the exact time as a tooltip. */
export function ago(iso, now = Date.now()) {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const text =
    seconds < 60 ? `${seconds} s ago` : seconds < 3600 ? `${Math.round(seconds / 60)} min ago` : seconds < 86400 ? `${Math.round(seconds / 3600)} h ago` : `${Math.round(seconds / 86400)} d ago`;
  return h('time', { datetime: iso, title: iso }, text);
}

/** A small coloured label. */
export function badge(kind, text) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

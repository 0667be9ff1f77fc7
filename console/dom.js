// Small DOM helpers: elements are built with `h`, never from HTML strings, so no source text can inject markup.

/** @typedef {Node | string | number | null | undefined | false | Child[]} Child */

/**
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined | ((event: any) => unknown)> | null} [attributes] `on<event>` keys add listeners; `false`/`null`/`undefined` values are left out.
 * @param {...Child} children nodes, text, or arrays of them at any depth; `null`, `undefined` and `false` are left out
 * @returns {HTMLElement}
 * @example h('button', { class: 'primary', onclick: save }, 'Save')
 */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of /** @type {Array<Node | string | number | null | undefined | false>} */ (/** @type {unknown[]} */ (children).flat(Infinity))) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** @param {Element} element @param {...(Node | string)} children */
export function replace(element, ...children) {
  element.replaceChildren(...children);
}

/** @param {string | null | undefined} iso */
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** @param {number | null | undefined} seconds */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** A coloured label for a state or status; its class names the value so the style sheet can colour it. */
export function badge(/** @type {string | null | undefined} */ value) {
  return h('span', { class: `badge badge-${value ?? 'none'}` }, value ?? '—');
}

/** A line that tells the user what went wrong, in place of or above the content. */
export function errorBox(/** @type {unknown} */ error) {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

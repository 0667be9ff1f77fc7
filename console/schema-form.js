// Form fields generated from a connector type's JSON Schema (GET /v1/connector-types), and the API's
// validation issues shown beside the field they name.
import { h } from './dom.js';

/**
 * A form control bound to a path of the request body.
 * @typedef {{ path: string[]; element: HTMLElement; read: () => unknown; showError: (message: string | null) => void }} Field
 */

/** @typedef {{ type?: string | string[]; enum?: unknown[]; format?: string; description?: string; default?: unknown; items?: JsonSchema; properties?: Record<string, JsonSchema>; required?: string[]; minimum?: number; maximum?: number }} JsonSchema */

let nextId = 0;

/**
 * A labelled control with a place for its error; `control` is the element the user types in.
 * @param {{ path: string[]; label: string; control: HTMLElement; description?: string | undefined; required?: boolean; read: () => unknown; inline?: boolean }} options
 * @returns {Field}
 */
export function field({ path, label, control, description, required = false, read, inline = false }) {
  const id = `field-${nextId++}`;
  control.id = id;
  control.setAttribute('name', path.join('.'));
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', `${id}-error`);
  const labelElement = h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null);
  const element = h(
    'div',
    { class: inline ? 'field field-inline' : 'field', 'data-path': path.join('.') },
    inline ? [control, labelElement] : [labelElement, control],
    description ? h('p', { class: 'hint' }, description) : null,
    error,
  );
  return {
    path,
    element,
    read,
    showError(message) {
      error.hidden = message === null;
      error.textContent = message ?? '';
      control.toggleAttribute('aria-invalid', message !== null);
    },
  };
}

/**
 * Fields for each property of an object schema, nested objects one level deep.
 * @param {JsonSchema} schema
 * @param {Record<string, any>} value current values, for editing
 * @param {string[]} path where the object sits in the body, e.g. ['config']
 * @returns {{ element: HTMLElement; fields: Field[]; read: () => Record<string, unknown> }}
 */
export function objectFields(schema, value, path, depth = 0) {
  /** @type {Field[]} */
  const fields = [];
  /** @type {Array<[string, () => unknown]>} */
  const readers = [];
  const children = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const required = (schema.required ?? []).includes(name);
    if (property.type === 'object' && property.properties && depth === 0) {
      const nested = objectFields(property, value?.[name] ?? {}, [...path, name], depth + 1);
      fields.push(...nested.fields);
      readers.push([name, () => (Object.keys(nested.read()).length ? nested.read() : undefined)]);
      children.push(
        h(
          'fieldset',
          { class: 'nested' },
          h('legend', null, labelOf(name)),
          property.description ? h('p', { class: 'hint' }, property.description) : null,
          nested.element,
        ),
      );
      continue;
    }
    const made = propertyField(name, property, value?.[name], [...path, name], required);
    fields.push(made);
    readers.push([name, made.read]);
    children.push(made.element);
  }
  const read = () => Object.fromEntries(readers.map(([name, reader]) => [name, reader()]).filter(([, item]) => item !== undefined));
  return { element: h('div', { class: 'fields' }, children), fields, read };
}

/**
 * @param {string} name
 * @param {JsonSchema} property
 * @param {unknown} current
 * @param {string[]} path
 * @param {boolean} required
 */
function propertyField(name, property, current, path, required) {
  const label = labelOf(name);
  const description = property.description;
  const shownDefault = ['string', 'number', 'boolean'].includes(typeof property.default)
    ? String(/** @type {string | number | boolean} */ (property.default))
    : null;
  const placeholder = shownDefault === null ? undefined : `default: ${shownDefault}`;
  if (property.enum) {
    const initial = current ?? property.default;
    const control = h(
      'select',
      null,
      required && initial !== undefined ? null : h('option', { value: '' }, '—'),
      property.enum.map((option) => h('option', { value: String(option), selected: String(option) === String(initial) }, String(option))),
    );
    const select = /** @type {HTMLSelectElement} */ (control);
    return field({ path, label, control, description, required, read: () => (select.value === '' ? undefined : select.value) });
  }
  if (property.type === 'boolean') {
    const control = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', checked: Boolean(current ?? property.default) }));
    return field({ path, label, control, description, read: () => control.checked, inline: true });
  }
  if (property.type === 'integer' || property.type === 'number') {
    const attributes = { type: 'number', step: property.type === 'integer' ? 1 : 'any', min: property.minimum, max: property.maximum, placeholder, required };
    const control = /** @type {HTMLInputElement} */ (h('input', { ...attributes, value: /** @type {number | null} */ (current ?? null) }));
    return field({ path, label, control, description, required, read: () => (control.value === '' ? undefined : Number(control.value)) });
  }
  if (property.type === 'array' && (property.items?.type === 'string' || property.items?.enum)) {
    const control = /** @type {HTMLTextAreaElement} */ (h('textarea', { rows: 2, placeholder: 'one per line, or comma-separated', required }));
    control.value = Array.isArray(current) ? current.join('\n') : '';
    const read = () => {
      const items = control.value
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter(Boolean);
      return items.length ? items : undefined;
    };
    return field({ path, label, control, description, required, read });
  }
  if (property.type === 'string') {
    const type = property.format === 'uri' ? 'url' : property.format === 'email' ? 'email' : 'text';
    const hint = property.format === 'date-time' ? 'e.g. 2030-01-01T00:00:00Z' : placeholder;
    const control = /** @type {HTMLInputElement} */ (h('input', { type, placeholder: hint, required, value: /** @type {string | null} */ (current ?? null) }));
    return field({ path, label, control, description, required, read: () => (control.value.trim() === '' ? undefined : control.value.trim()) });
  }
  // A shape the form does not model (unions, nested arrays): edited as JSON.
  const control = /** @type {HTMLTextAreaElement} */ (h('textarea', { rows: 3, class: 'json', placeholder: 'JSON' }));
  control.value = current === undefined ? '' : JSON.stringify(current, null, 2);
  const read = () => {
    if (control.value.trim() === '') return undefined;
    try {
      return JSON.parse(control.value);
    } catch {
      // Sent as text: the API's answer then says what the field expects.
      return control.value;
    }
  };
  return field({ path, label, control, description, required, read });
}

/**
 * Shows each issue beside the field its path names (the longest matching prefix, so an array
 * item's issue lands on its array); answers the issues no field took, for a message above the form.
 * @param {Field[]} fields
 * @param {Array<{ path: Array<string | number>; message: string }>} issues
 */
export function showIssues(fields, issues) {
  for (const item of fields) item.showError(null);
  const unplaced = [];
  const messages = new Map();
  for (const issue of issues) {
    const path = issue.path.map(String);
    const target = fields
      .filter((item) => item.path.length <= path.length && item.path.every((part, index) => part === path[index]))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (!target) unplaced.push(issue);
    else messages.set(target, [...(messages.get(target) ?? []), issue.message]);
  }
  for (const [target, list] of messages) target.showError(list.join('; '));
  const first = [...messages.keys()][0];
  first?.element.querySelector('input, select, textarea')?.focus();
  return unplaced;
}

/** `maxPages` → `Max pages`, as a label. */
function labelOf(/** @type {string} */ name) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

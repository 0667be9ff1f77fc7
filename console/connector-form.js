// Create and edit a connector: the config part of the form comes from its type's JSON Schema.
import { api, ApiError } from './api.js';
import { errorBox, h, replace } from './dom.js';
import { field, objectFields, showIssues } from './schema-form.js';

/** @typedef {import('./schema-form.js').Field} Field */

/**
 * @param {HTMLElement} main
 * @param {{ connectorId?: string | undefined; navigate: (hash: string) => void }} options without a connector id, a new connector
 */
export async function renderConnectorForm(main, { connectorId, navigate }) {
  const editing = connectorId !== undefined;
  const [types, connector, credentials] = await Promise.all([
    api('GET', '/v1/connector-types').then((body) => body.data),
    editing ? api('GET', `/v1/connectors/${encodeURIComponent(connectorId)}`).then((body) => body.data) : undefined,
    editing ? undefined : api('GET', '/v1/credentials?limit=100').then((body) => body.data),
  ]);
  /** @type {any[]} */
  const typeList = types;
  const problems = h('div', { class: 'problems' });
  const configArea = h('div');
  const credentialArea = h('div');
  /** @type {Field[]} */
  let configFields = [];
  /** @type {() => Record<string, unknown>} */
  let readConfig = () => ({});

  const typeSelect = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { required: true, disabled: editing },
      h('option', { value: '' }, 'Choose a source type'),
      typeList.map((type) => h('option', { value: type.type, selected: type.type === connector?.type }, `${type.title} (${type.type})`)),
    )
  );
  const typeField = field({ path: ['type'], label: 'Source type', control: typeSelect, required: true, read: () => typeSelect.value || undefined });
  const name = textField(['name'], 'Name', connector?.name, true);
  const description = textField(['description'], 'Description', connector?.description ?? undefined);
  const collection = textField(['collection'], 'Collection', connector?.collection, false, 'Where the documents go; defaults to the connector id.');
  const schedule = scheduleFields(connector?.schedule ?? { type: 'manual' });

  /** @type {Field | undefined} */
  let credentialField;
  const showType = () => {
    const type = typeList.find((item) => item.type === typeSelect.value);
    const built = type ? objectFields(type.configSchema, connector?.config ?? {}, ['config']) : undefined;
    configFields = built?.fields ?? [];
    readConfig = built?.read ?? (() => ({}));
    replace(
      configArea,
      built ? h('fieldset', null, h('legend', null, 'Configuration'), built.element) : h('p', { class: 'hint' }, 'Choose a source type to configure it.'),
    );
    if (editing) return;
    const usable = /** @type {any[]} */ (credentials ?? []).filter((credential) => credential.type === typeSelect.value);
    const select = /** @type {HTMLSelectElement} */ (
      h(
        'select',
        null,
        h('option', { value: '' }, 'None for now'),
        usable.map((credential) => h('option', { value: credential.id }, `${credential.name} (${credential.kind})`)),
      )
    );
    credentialField = field({
      path: ['credentialId'],
      label: 'Credential',
      control: select,
      read: () => select.value || undefined,
      description: type?.oauth ? 'Or connect through OAuth once the connector exists.' : undefined,
    });
    replace(credentialArea, type ? credentialField.element : '');
  };
  typeSelect.addEventListener('change', showType);
  showType();

  const submit = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save changes' : 'Create connector');
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'connector-form', novalidate: true },
      problems,
      typeField.element,
      name.element,
      description.element,
      editing ? null : collection.element,
      schedule.element,
      credentialArea,
      configArea,
      h('div', { class: 'actions' }, submit, h('a', { href: editing ? `#/connectors/${encodeURIComponent(connectorId)}` : '#/' }, 'Cancel')),
    )
  );
  const submitted = async (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    const fields = [typeField, name, description, collection, ...schedule.fields, ...(credentialField ? [credentialField] : []), ...configFields];
    const body = editing
      ? { name: name.read(), description: description.read() ?? null, schedule: schedule.read(), config: readConfig() }
      : {
          type: typeField.read(),
          name: name.read(),
          description: description.read(),
          collection: collection.read(),
          schedule: schedule.read(),
          credentialId: credentialField?.read(),
          config: readConfig(),
        };
    submit.toggleAttribute('disabled', true);
    try {
      const answer = editing ? await api('PATCH', `/v1/connectors/${encodeURIComponent(connectorId)}`, body) : await api('POST', '/v1/connectors', body);
      navigate(`#/connectors/${encodeURIComponent(answer.data.id)}`);
    } catch (error) {
      const unplaced = error instanceof ApiError ? showIssues(fields, error.issues) : [];
      const placedAll = error instanceof ApiError && error.issues.length > 0 && unplaced.length === 0;
      replace(problems, ...(placedAll ? [errorBox('Some fields need a change: see below.')] : [errorBox(error)]));
    } finally {
      submit.toggleAttribute('disabled', false);
    }
  };
  form.addEventListener('submit', (event) => void submitted(event));
  replace(main, h('h1', null, editing ? `Edit ${connector.name}` : 'New connector'), form);
}

/** @param {string[]} path @param {string} label @param {string | undefined} value @param {boolean} [required] @param {string} [description] */
function textField(path, label, value, required = false, description) {
  const control = /** @type {HTMLInputElement} */ (h('input', { type: 'text', value: value ?? null, required }));
  return field({ path, label, control, required, description, read: () => (control.value.trim() === '' ? undefined : control.value.trim()) });
}

/**
 * The schedule: its type, then the inputs that type takes, each bound to its path so an issue such
 * as `schedule.everySeconds` lands beside it.
 * @param {{ type: string; everySeconds?: number; expression?: string; timezone?: string; at?: string }} current
 */
function scheduleFields(current) {
  const typeSelect = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      null,
      ['manual', 'interval', 'cron', 'once'].map((type) => h('option', { value: type, selected: type === current.type }, type)),
    )
  );
  const type = field({ path: ['schedule', 'type'], label: 'Schedule', control: typeSelect, read: () => typeSelect.value });
  const input = (/** @type {Parameters<typeof h>[1]} */ attributes) => /** @type {HTMLInputElement} */ (h('input', attributes));
  const every = input({ type: 'number', min: 60, step: 1, value: current.everySeconds ?? 3600 });
  const expression = input({ type: 'text', placeholder: '0 3 * * *', value: current.expression ?? null });
  const timezone = input({ type: 'text', placeholder: 'UTC, or e.g. Europe/Paris', value: current.timezone ?? null });
  const at = input({ type: 'text', placeholder: '2030-01-01T03:00:00Z', value: current.at ?? null });
  const byType = {
    interval: [field({ path: ['schedule', 'everySeconds'], label: 'Every (seconds)', control: every, read: () => Number(every.value) })],
    cron: [
      field({ path: ['schedule', 'expression'], label: 'Cron expression', control: expression, read: () => expression.value.trim() }),
      field({ path: ['schedule', 'timezone'], label: 'Time zone', control: timezone, read: () => timezone.value.trim() || undefined }),
    ],
    once: [field({ path: ['schedule', 'at'], label: 'At', control: at, read: () => at.value.trim() })],
  };
  const details = h('div', { class: 'schedule-details' });
  const show = () => replace(details, ...(byType[/** @type {keyof typeof byType} */ (typeSelect.value)] ?? []).map((item) => item.element));
  typeSelect.addEventListener('change', show);
  show();
  const read = () => {
    const chosen = byType[/** @type {keyof typeof byType} */ (typeSelect.value)] ?? [];
    return Object.fromEntries([['type', typeSelect.value], ...chosen.map((item) => [item.path[1], item.read()]).filter(([, value]) => value !== undefined)]);
  };
  return {
    element: h('fieldset', { class: 'schedule' }, h('legend', null, 'When it syncs'), type.element, details),
    fields: [type, ...Object.values(byType).flat()],
    read,
  };
}

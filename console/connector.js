// One connector: its config, schedule, credential, sync history with live progress, and the actions on it.
import { api } from './api.js';
import { badge, errorBox, h, replace, when } from './dom.js';
import { syncHistory } from './jobs.js';

/**
 * @param {HTMLElement} main
 * @param {{ connectorId: string; config: import('./jobs.js').ConsoleConfig; signal: AbortSignal; navigate: (hash: string) => void }} options
 */
export async function renderConnector(main, { connectorId, config, signal, navigate }) {
  const path = `/v1/connectors/${encodeURIComponent(connectorId)}`;
  const notice = h('div', { class: 'notice', 'aria-live': 'polite' });
  const summary = h('div');
  const history = h('div');
  /** Each load replaces the streams of the previous one. */
  let streams = new AbortController();
  signal.addEventListener('abort', () => streams.abort());

  const act = (/** @type {string} */ label, /** @type {() => Promise<unknown>} */ action) => async () => {
    replace(notice);
    try {
      await action();
      replace(notice, h('p', { class: 'ok' }, `${label}: done`));
    } catch (error) {
      replace(notice, errorBox(error));
    }
    await load();
  };

  const load = async () => {
    if (signal.aborted) return;
    try {
      const [{ data: connector }, { data: jobs }, { data: types }] = await Promise.all([
        api('GET', path),
        api('GET', `${path}/syncs?limit=20`),
        api('GET', '/v1/connector-types'),
      ]);
      const type = types.find((/** @type {any} */ item) => item.type === connector.type);
      streams.abort();
      streams = new AbortController();
      replace(summary, overview(connector, type, act, navigate, path));
      replace(history, syncHistory(jobs, { connectorId, config, signal: streams.signal, onEnded: () => void load() }));
    } catch (error) {
      replace(summary, errorBox(error));
    }
  };
  replace(main, summary, notice, h('h2', null, 'Sync history'), history);
  await load();
}

/**
 * @param {any} connector
 * @param {any} type its entry of GET /v1/connector-types
 * @param {(label: string, action: () => Promise<unknown>) => () => Promise<void>} act
 * @param {(hash: string) => void} navigate
 * @param {string} path
 */
function overview(connector, type, act, navigate, path) {
  const paused = connector.state === 'paused';
  const actions = h(
    'div',
    { class: 'actions' },
    h('button', { class: 'primary', onclick: act('Sync started', () => api('POST', `${path}/sync`, {})) }, 'Sync now'),
    h('button', { onclick: act('Full sync started', () => api('POST', `${path}/sync`, { mode: 'full' })) }, 'Full sync'),
    paused
      ? h('button', { onclick: act('Resumed', () => api('POST', `${path}/resume`)) }, 'Resume')
      : h('button', { onclick: act('Paused', () => api('POST', `${path}/pause`)) }, 'Pause'),
    h('a', { class: 'button', href: `#/connectors/${encodeURIComponent(connector.id)}/edit` }, 'Edit'),
    h('a', { class: 'button', href: `#/search?collection=${encodeURIComponent(connector.collection)}` }, 'Search its documents'),
    h(
      'button',
      {
        class: 'danger',
        onclick: async () => {
          if (!window.confirm(`Delete ${connector.name}, its schedule and its documents?`)) return;
          await act('Deletion started', () => api('DELETE', path))();
          navigate('#/');
        },
      },
      'Delete',
    ),
  );
  return h(
    'section',
    null,
    h('div', { class: 'title-row' }, h('h1', null, connector.name), badge(connector.state), badge(connector.status)),
    connector.stateReason ? h('p', { class: 'error-text' }, connector.stateReason) : null,
    connector.lastError ? h('p', { class: 'error-text' }, `Last error: ${connector.lastError}`) : null,
    actions,
    h(
      'div',
      { class: 'columns' },
      h(
        'dl',
        { class: 'facts' },
        fact('Id', h('code', null, connector.id)),
        fact('Type', type ? `${type.title} (${connector.type})` : connector.type),
        fact('Description', connector.description ?? '—'),
        fact('Collection', connector.collection),
        fact('Schedule', scheduleText(connector.schedule)),
        connector.pruneSchedule ? fact('Prune schedule', scheduleText(connector.pruneSchedule)) : null,
        fact('Next run', connector.nextRunAt === undefined ? '—' : when(connector.nextRunAt)),
        fact('Last sync', when(connector.lastSync)),
        connector.documentCount === undefined ? null : fact('Documents', String(connector.documentCount)),
        fact('Created', when(connector.createdAt)),
      ),
      h('div', null, h('h2', null, 'Credential'), credentialPanel(connector, type, act, path), h('h2', null, 'Configuration'), configTable(connector.config)),
    ),
  );
}

/** @param {string} term @param {Node | string} value */
function fact(term, value) {
  return [h('dt', null, term), h('dd', null, value)];
}

/** @param {any} schedule */
function scheduleText(schedule) {
  if (!schedule) return '—';
  if (schedule.type === 'interval') return `every ${schedule.everySeconds} s`;
  if (schedule.type === 'cron') return `cron ${schedule.expression}${schedule.timezone ? ` (${schedule.timezone})` : ''}`;
  if (schedule.type === 'once') return `once at ${when(schedule.at)}`;
  return 'manual';
}

/** @param {Record<string, unknown>} config */
function configTable(config) {
  const entries = Object.entries(config ?? {});
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No settings.');
  return h(
    'table',
    { class: 'config' },
    h(
      'tbody',
      null,
      entries.map(([key, value]) =>
        h('tr', null, h('th', null, key), h('td', null, h('code', null, typeof value === 'string' ? value : JSON.stringify(value)))),
      ),
    ),
  );
}

/**
 * The bound credential, a choice of the workspace's credentials of this type to bind, and the OAuth
 * consent button for types that have one.
 * @param {any} connector @param {any} type @param {(label: string, action: () => Promise<unknown>) => () => Promise<void>} act @param {string} path
 */
function credentialPanel(connector, type, act, path) {
  const panel = h(
    'div',
    { class: 'credential' },
    h('p', null, connector.credentialId ? h('code', null, connector.credentialId) : h('span', { class: 'muted' }, 'No credential bound.')),
  );
  const select = /** @type {HTMLSelectElement} */ (h('select', { 'aria-label': 'Credential to bind' }, h('option', { value: '' }, 'Choose a credential')));
  void api('GET', '/v1/credentials?limit=100').then(
    ({ data }) => {
      const usable = data.filter((/** @type {any} */ credential) => credential.type === connector.type && credential.id !== connector.credentialId);
      select.append(...usable.map((/** @type {any} */ credential) => h('option', { value: credential.id }, `${credential.name} (${credential.kind})`)));
      select.disabled = usable.length === 0;
    },
    () => (select.disabled = true),
  );
  const bind = act('Credential bound', () => api('PUT', `${path}/credential/${encodeURIComponent(select.value)}`));
  panel.append(h('div', { class: 'inline-form' }, select, h('button', { onclick: () => (select.value ? void bind() : undefined) }, 'Bind')));
  if (type?.oauth) {
    const connect = async () => {
      const { data } = await api('GET', `/v1/connectors/oauth/${encodeURIComponent(connector.type)}/authorize?connectorId=${encodeURIComponent(connector.id)}`);
      window.location.assign(data.authUrl);
    };
    const waiting = connector.state === 'auth_required' || connector.state === 'disconnected';
    panel.append(
      h(
        'button',
        { class: waiting ? 'primary' : '', onclick: act('Sent to the provider', connect) },
        waiting ? `Connect ${type.title}` : `Reconnect ${type.title}`,
      ),
    );
  }
  return panel;
}

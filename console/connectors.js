// Every connector at a glance: state, health, next run, last sync and its counts.
import { api } from './api.js';
import { badge, errorBox, h, replace, when } from './dom.js';

const REFRESH_MS = 5000;

/** @param {HTMLElement} main @param {AbortSignal} signal */
export async function renderConnectors(main, signal) {
  const table = h('div');
  replace(main, h('div', { class: 'title-row' }, h('h1', null, 'Connectors'), h('a', { class: 'button primary', href: '#/new' }, 'New connector')), table);
  const load = async () => {
    try {
      const { data } = await api('GET', '/v1/connectors?limit=200');
      replace(table, data.length ? connectorTable(data) : h('p', { class: 'empty' }, 'No connectors yet. ', h('a', { href: '#/new' }, 'Create one.')));
    } catch (error) {
      replace(table, errorBox(error));
    }
  };
  await load();
  // States and counts move while syncs run; a light poll keeps the overview current.
  const timer = setInterval(() => void load(), REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

/** @param {any[]} connectors */
function connectorTable(connectors) {
  return h(
    'table',
    { class: 'connectors' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Connector', 'Type', 'State', 'Health', 'Next run', 'Last sync', 'Documents', 'Last error'].map((title) => h('th', null, title)),
      ),
    ),
    h(
      'tbody',
      null,
      connectors.map((connector) =>
        h(
          'tr',
          { 'data-connector-id': connector.id },
          h('td', null, h('a', { href: `#/connectors/${encodeURIComponent(connector.id)}` }, connector.name), h('div', { class: 'muted' }, connector.id)),
          h('td', null, connector.type),
          h('td', null, badge(connector.state)),
          h('td', null, badge(connector.status)),
          h('td', null, connector.nextRunAt === undefined ? '—' : when(connector.nextRunAt)),
          h('td', null, lastSyncSummary(connector)),
          h('td', { class: 'number' }, connector.documentCount ?? '—'),
          h('td', { class: 'error-text' }, connector.lastError ?? connector.stateReason ?? ''),
        ),
      ),
    ),
  );
}

/** The last job when the API tells it (`lastSyncJob`), else only when the last sync ended. */
function lastSyncSummary(/** @type {any} */ connector) {
  const job = connector.lastSyncJob;
  if (!job) return when(connector.lastSync);
  const counts = job.progress ? `${job.progress.indexed} indexed, ${job.progress.failed} failed` : '';
  return h('span', null, badge(job.status), ' ', when(job.finishedAt ?? job.startedAt), counts ? h('div', { class: 'muted' }, counts) : null);
}

// The console's entry: sign-in with an API key, then one view per hash route. Hash routes need no
// server-side fallback, and the back button works.
import { api, session } from './api.js';
import { renderConnector } from './connector.js';
import { renderConnectorForm } from './connector-form.js';
import { renderConnectors } from './connectors.js';
import { errorBox, h, replace } from './dom.js';
import { renderSearch } from './search.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));

/** @type {import('./jobs.js').ConsoleConfig} */
const config = await fetch('/console/config.json').then((response) => response.json());
/** Aborted when the view changes: its timers and live streams stop with it. */
let current = new AbortController();

const navigate = (/** @type {string} */ hash) => {
  if (location.hash === hash) void route();
  else location.hash = hash;
};

async function route() {
  current.abort();
  current = new AbortController();
  const signal = current.signal;
  if (!session.key()) return signInForm();
  nav.hidden = false;
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length === 0) await renderConnectors(main, signal);
    else if (parts[0] === 'new') await renderConnectorForm(main, { navigate });
    else if (parts[0] === 'search') await renderSearch(main, { params: new URLSearchParams(query), navigate });
    else if (parts[0] === 'connectors' && parts[1] && parts[2] === 'edit') await renderConnectorForm(main, { connectorId: parts[1], navigate });
    else if (parts[0] === 'connectors' && parts[1]) await renderConnector(main, { connectorId: parts[1], config, signal, navigate });
    else replace(main, errorBox(`No page at ${location.hash}`));
  } catch (error) {
    replace(main, errorBox(error));
  }
}

function signInForm() {
  nav.hidden = true;
  replace(who);
  const key = /** @type {HTMLInputElement} */ (h('input', { type: 'password', id: 'api-key', autocomplete: 'off', required: true }));
  const problem = h('div');
  const form = h(
    'form',
    { class: 'sign-in' },
    h('h1', null, 'Sign in'),
    h('p', null, 'Paste an API key of your workspace. It stays in this tab only and is sent to this server alone.'),
    h('label', { for: 'api-key' }, 'API key'),
    key,
    problem,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  const submitted = async (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    session.signIn(key.value.trim());
    try {
      await showCaller();
      await route();
    } catch (error) {
      session.signOut();
      replace(problem, errorBox(error));
    }
  };
  form.addEventListener('submit', (event) => void submitted(event));
  replace(main, form);
  key.focus();
}

async function showCaller() {
  const { data } = await api('GET', '/v1/workspaces/me');
  const signOut = h('button', { class: 'link', onclick: () => (session.signOut(), void route()) }, 'Sign out');
  replace(who, h('span', null, `${data.workspace.name} · ${data.apiKey.name} (${data.apiKey.role})`), signOut);
}

window.addEventListener('hashchange', () => void route());
// A key revoked while the page is open: back to the sign-in form, unless it is the one showing the error.
window.addEventListener('tributary:signed-out', () => main.querySelector('.sign-in') || void route());
if (session.key()) await showCaller().catch(() => session.signOut());
await route();

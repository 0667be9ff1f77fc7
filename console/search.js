// Full-text search over the documents of a collection.
import { api } from './api.js';
import { errorBox, h, replace, when } from './dom.js';

const SNIPPET_CHARS = 240;

/**
 * @param {HTMLElement} main
 * @param {{ params: URLSearchParams; navigate: (hash: string) => void }} options `collection` and `q` come from the hash
 */
export async function renderSearch(main, { params, navigate }) {
  const collection = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', id: 'search-collection', list: 'collections', required: true, value: params.get('collection') ?? null })
  );
  const query = /** @type {HTMLInputElement} */ (
    h('input', { type: 'search', id: 'search-query', placeholder: 'Words that must all match', value: params.get('q') ?? null })
  );
  const collections = h('datalist', { id: 'collections' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'search-collection' }, 'Collection'),
    collection,
    collections,
    h('label', { for: 'search-query' }, 'Search'),
    query,
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams({ collection: collection.value.trim(), ...(query.value.trim() ? { q: query.value.trim() } : {}) });
    navigate(`#/search?${next}`);
  });
  replace(main, h('h1', null, 'Search documents'), form, results);

  // The collections of the workspace's connectors, offered as the user types.
  void api('GET', '/v1/connectors?limit=200').then(
    ({ data }) =>
      collections.append(...[...new Set(data.map((/** @type {any} */ connector) => connector.collection))].map((name) => h('option', { value: String(name) }))),
    () => undefined,
  );

  const chosen = params.get('collection');
  if (!chosen) return;
  try {
    const search = new URLSearchParams({ limit: '25', ...(params.get('q') ? { q: String(params.get('q')) } : {}) });
    const { data } = await api('GET', `/v1/collections/${encodeURIComponent(chosen)}/documents?${search}`);
    replace(results, data.length ? h('ol', { class: 'documents' }, data.map(documentItem)) : h('p', { class: 'empty' }, 'No document matches.'));
  } catch (error) {
    replace(results, errorBox(error));
  }
}

/** @param {any} document */
function documentItem(document) {
  const title = document.title || document.externalId;
  // Only web links are followed: a source's URL could be any scheme.
  const safeUrl = typeof document.url === 'string' && /^https?:\/\//i.test(document.url) ? document.url : null;
  const snippet = document.content.length > SNIPPET_CHARS ? `${document.content.slice(0, SNIPPET_CHARS)}…` : document.content;
  return h(
    'li',
    { class: 'document' },
    h('h3', null, safeUrl ? h('a', { href: safeUrl, target: '_blank', rel: 'noopener noreferrer' }, title) : title),
    h('p', { class: 'snippet' }, snippet),
    h('p', { class: 'muted' }, `${document.externalId} · connector ${document.connectorId} · synced ${when(document.syncedAt)}`),
  );
}

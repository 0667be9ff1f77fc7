// A connector's sync history, with a live progress bar for each job that is still running.
import { api, followSync } from './api.js';
import { badge, duration, errorBox, h, replace, when } from './dom.js';

const ACTIVE = ['queued', 'running', 'canceling'];

/**
 * @typedef {{ temporalUiUrl: string | null; temporalNamespace: string }} ConsoleConfig
 * @typedef {{ connectorId: string; config: ConsoleConfig; signal: AbortSignal; onEnded: () => void }} HistoryOptions
 */

/**
 * The history table; active jobs follow their event stream until they end, then `onEnded` reloads
 * the page's data.
 * @param {any[]} jobs newest first
 * @param {HistoryOptions} options
 */
export function syncHistory(jobs, options) {
  if (jobs.length === 0) return h('p', { class: 'empty' }, 'No syncs yet.');
  const headings = ['Job', 'Status', 'Trigger', 'Progress', 'Started', 'Finished', ''];
  return h(
    'table',
    { class: 'jobs' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headings.map((title) => h('th', null, title)),
      ),
    ),
    h(
      'tbody',
      null,
      jobs.map((job) => jobRows(job, options)),
    ),
  );
}

/** @param {any} job @param {HistoryOptions} options */
function jobRows(job, options) {
  const { connectorId, config, signal } = options;
  const status = h('td');
  const progress = progressBar();
  const finished = h('td');
  const actions = h('td', { class: 'row-actions' });
  const details = h('tr', { class: 'job-details', hidden: true }, h('td', { colspan: 7 }));
  const row = h(
    'tr',
    { 'data-job-id': job.jobId },
    h('td', null, h('code', null, job.jobId), h('div', { class: 'muted' }, `${job.kind} · ${job.mode}`)),
    status,
    h('td', null, job.trigger),
    h('td', null, progress.element),
    h('td', null, when(job.startedAt)),
    finished,
    actions,
  );
  const control = (/** @type {'cancel' | 'resync'} */ action) => async () => {
    try {
      show(await api('POST', `/v1/connectors/${encodeURIComponent(connectorId)}/sync/${encodeURIComponent(job.jobId)}/${action}`).then((body) => body.data));
    } catch (error) {
      showDetails(errorBox(error));
    }
  };
  const showDetails = (/** @type {Node} */ content) => {
    details.hidden = false;
    replace(/** @type {HTMLElement} */ (details.firstElementChild), content);
  };
  const show = (/** @type {any} */ current) => {
    replace(
      status,
      badge(current.status),
      current.phase && ACTIVE.includes(current.status) ? h('div', { class: 'muted' }, current.phase.replace('_', ' ')) : '',
      current.error ? h('div', { class: 'error-text' }, current.error) : '',
    );
    progress.update(current);
    replace(finished, when(current.finishedAt));
    const active = ACTIVE.includes(current.status);
    const problems = current.progress.failed + current.progress.skipped;
    replace(
      actions,
      ...[
        active && current.status !== 'canceling' ? h('button', { onclick: control('cancel') }, 'Cancel') : null,
        active && current.status === 'running' ? h('button', { onclick: control('resync'), title: 'Restart as a full sync' }, 'Resync') : null,
        problems > 0 ? h('button', { onclick: () => void showFailures(connectorId, job.jobId, showDetails) }, `Failures (${problems})`) : null,
        temporalLink(config, current.workflowId),
      ].filter((item) => item !== null),
    );
  };
  show(job);
  if (ACTIVE.includes(job.status)) {
    void followSync(
      connectorId,
      job.jobId,
      (current, ended) => {
        show(current);
        if (ended) options.onEnded();
      },
      signal,
    );
  }
  return [row, details];
}

/** A bar with the percent when the source tells its total, else a moving stripe and the counts alone. */
function progressBar() {
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Sync progress' }, fill);
  const text = h('div', { class: 'progress-text' });
  return {
    element: h('div', { class: 'progress-cell' }, bar, text),
    update(/** @type {any} */ job) {
      const { percent, etaSeconds, total, collected, indexed, unchanged, failed } = job.progress;
      const known = percent !== null && percent !== undefined;
      bar.classList.toggle('indeterminate', !known && ACTIVE.includes(job.status));
      bar.classList.toggle('done', job.status === 'succeeded');
      bar.classList.toggle('stopped', ['failed', 'canceled'].includes(job.status));
      if (known) bar.setAttribute('aria-valuenow', String(percent));
      else bar.removeAttribute('aria-valuenow');
      // Set through the CSSOM: the content security policy refuses inline style attributes.
      fill.style.width = `${known ? percent : 0}%`;
      const parts = [
        known ? `${percent} %` : null,
        ACTIVE.includes(job.status) && etaSeconds !== null && etaSeconds !== undefined ? `ETA ${duration(etaSeconds)}` : null,
        `${collected}${total ? ` / ${total}` : ''} read`,
        `${indexed} indexed`,
        unchanged ? `${unchanged} unchanged` : null,
        failed ? `${failed} failed` : null,
      ];
      replace(text, parts.filter(Boolean).join(' · '));
    },
  };
}

/** @param {ConsoleConfig} config @param {string | null | undefined} workflowId */
function temporalLink(config, workflowId) {
  if (!config.temporalUiUrl || !workflowId) return null;
  // The list filtered by id shows every run, continued-as-new ones included.
  const query = encodeURIComponent(`WorkflowId="${workflowId}"`);
  const href = `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows?query=${query}`;
  return h('a', { class: 'button', href, target: '_blank', rel: 'noopener noreferrer', title: workflowId }, 'Workflow ↗');
}

/** @param {string} connectorId @param {string} jobId @param {(content: Node) => void} showDetails */
async function showFailures(connectorId, jobId, showDetails) {
  try {
    const { data } = await api('GET', `/v1/connectors/${encodeURIComponent(connectorId)}/sync/${encodeURIComponent(jobId)}/failures?limit=100`);
    showDetails(
      h(
        'table',
        { class: 'failures' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Item', 'Stage', 'Reason', 'At'].map((title) => h('th', null, title)),
          ),
        ),
        h(
          'tbody',
          null,
          data.map((/** @type {any} */ failure) =>
            h('tr', null, h('td', null, failure.externalId), h('td', null, failure.stage), h('td', null, failure.error), h('td', null, when(failure.at))),
          ),
        ),
      ),
    );
  } catch (error) {
    showDetails(errorBox(error));
  }
}

// Jobs: newest first, filtered by queue and state, paged by cursor; trigger a sync or re-embed;
// open bull-board (BullMQ's dashboard) in a new tab.
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { onFeedEvent } from '../feed.js';
import { can } from '../session.js';
import { ConfirmButton, html, Problem, time, usePagedList } from '../ui.js';

const QUEUES = ['embedding', 'indexing', 'maintenance'];
const STATES = ['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized', 'waiting-children'];
const SYNC_MODES = [
  { mode: 'sync', label: 'Sync now', question: 'Sync the corpus (build only if it changed)?' },
  { mode: 'force', label: 'Force build', question: 'Build a new index version even if nothing changed?' },
  { mode: 'reembed', label: 'Re-embed everything', question: 'Embed every document again (slow)?' },
];

export const jobHref = (queue, id) => `#/jobs/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`;

/**
 * Opens bull-board (BullMQ's dashboard) in a new tab: the console first asks core for the
 * dashboard cookie (HttpOnly, scoped to /admin/dashboard, as long-lived as the access token), so
 * the tab needs no Authorization header. Offered to roles that manage jobs, on the BullMQ runner.
 */
function DashboardLink() {
  const [runner, setRunner] = useState(null);
  const [error, setError] = useState(null);
  const [opened, setOpened] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let stopped = false;
    api('/admin/queues')
      .then((result) => !stopped && setRunner(result.runner))
      .catch(() => !stopped && setRunner(null));
    return () => {
      stopped = true;
    };
  }, []);
  if (runner !== 'bullmq') return null;
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const access = await api('/admin/dashboard-access', { method: 'POST' });
      window.open(access.url, '_blank', 'noopener');
      setOpened(access);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="actions dashboard" role="group" aria-label="BullMQ dashboard">
    <button type="button" disabled=${busy} onClick=${open}>Open BullMQ dashboard</button>
    ${opened
      ? html`<span class="note" role="status">Opened in a new tab, signed in there until ${new Date(opened.expiresAt).toLocaleTimeString('en-GB', { hour12: false })} (press the button again after that). <a href=${opened.url} target="_blank" rel="noopener">No tab? Open the dashboard</a></span>`
      : null}
    <${Problem} error=${error} />
  </div>`;
}

export function JobsPage() {
  const [filters, setFilters] = useState({ queue: '', state: '' });
  const { page, error, onFirstPage, firstPage, reload, pager } = usePagedList('/admin/jobs', { queue: filters.queue, state: filters.state, limit: 20 });
  useEffect(() => {
    let pending;
    const off = onFeedEvent((event) => {
      if (!event.type.startsWith('job.') || pending || !onFirstPage) return;
      pending = setTimeout(() => {
        pending = undefined;
        reload();
      }, 500);
    });
    return () => (off(), clearTimeout(pending));
  }, [onFirstPage]);
  const change = (key) => (event) => {
    setFilters({ ...filters, [key]: event.currentTarget.value });
    firstPage();
  };
  return html`<section aria-labelledby="jobs-heading">
    <h1 id="jobs-heading">Jobs</h1>
    ${can('admin:jobs:manage')
      ? html`<div class="actions" role="group" aria-label="Start a sync">
          ${SYNC_MODES.map(
            (entry) => html`<${ConfirmButton}
              label=${entry.label}
              question=${entry.question}
              action=${() => api('/admin/jobs/sync', { method: 'POST', body: { source: 'corpus', mode: entry.mode } })}
              onDone=${(accepted) => (location.hash = jobHref(accepted.queue, accepted.jobId))}
            />`,
          )}
        </div>`
      : null}
    ${can('admin:jobs:manage') ? html`<${DashboardLink} />` : null}
    <form class="filters" onSubmit=${(event) => event.preventDefault()}>
      <label>Queue <select name="queue" value=${filters.queue} onChange=${change('queue')}>
        <option value="">all</option>${QUEUES.map((queue) => html`<option value=${queue}>${queue}</option>`)}
      </select></label>
      <label>State <select name="state" value=${filters.state} onChange=${change('state')}>
        <option value="">all</option>${STATES.map((state) => html`<option value=${state}>${state}</option>`)}
      </select></label>
    </form>
    <${Problem} error=${error} />
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Jobs, newest first</caption>
        <thead><tr><th scope="col">Job</th><th scope="col">Queue</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
        <tbody>
          ${(page?.items ?? []).map(
            (job) => html`<tr>
              <td><a href=${jobHref(job.queue, job.id)}>${job.id}</a></td>
              <td>${job.queue}</td><td>${job.name}</td><td class=${`state state-${job.state}`}>${job.state}</td><td>${time(job.createdAt)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${page && page.items.length === 0 ? html`<p>No jobs match.</p>` : null}
    ${pager}
  </section>`;
}

// Audit log: filter by actor, action, outcome and time; paging; fairness flags included.
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { html, Problem, ScrollRegion, time } from '../ui.js';

const OUTCOMES = ['success', 'denied', 'failure'];
const toIso = (local) => (local ? new Date(local).toISOString() : undefined);

export function AuditPage() {
  const [filters, setFilters] = useState({});
  const [cursors, setCursors] = useState([undefined]);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    let stopped = false;
    api('/admin/audit', { query: { ...filters, limit: 50, cursor } })
      .then((result) => !stopped && (setPage(result), setError(null)))
      .catch((failure) => !stopped && setError(failure));
    return () => {
      stopped = true;
    };
  }, [filters, cursor]);
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name) => String(form.get(name) ?? '').trim() || undefined;
    setFilters({ actor: value('actor'), action: value('action'), outcome: value('outcome'), from: toIso(value('from')), to: toIso(value('to')) });
    setCursors([undefined]);
  };
  return html`<section aria-labelledby="audit-heading">
    <h1 id="audit-heading">Audit log</h1>
    <form class="filters" onSubmit=${submit} aria-label="Audit filters">
      <label>Actor <input name="actor" autocomplete="off" /></label>
      <label>Action <input name="action" placeholder="user.create" autocomplete="off" /></label>
      <label>Outcome <select name="outcome"><option value="">any</option>${OUTCOMES.map((outcome) => html`<option value=${outcome}>${outcome}</option>`)}</select></label>
      <label>From <input name="from" type="datetime-local" /></label>
      <label>To <input name="to" type="datetime-local" /></label>
      <button type="submit">Filter</button>
    </form>
    <${Problem} error=${error} />
    <${ScrollRegion} label="Audit records">
      <table>
        <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col">Details</th></tr></thead>
        <tbody>${(page?.items ?? []).map(
          (record) => html`<tr class=${record.action.startsWith('advice.fairness') ? 'fairness' : ''}>
            <td>${time(record.at)}</td><td>${record.actorUsername ?? '—'}</td><td>${record.action}</td><td class="mono">${record.target ?? '—'}</td>
            <td class=${`outcome-${record.outcome}`}>${record.outcome}</td><td class="mono small">${JSON.stringify(record.details)}</td>
          </tr>`,
        )}</tbody>
      </table>
    </${ScrollRegion}>
    <div class="pager">
      <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Previous page</button>
      <button type="button" disabled=${!page?.nextCursor} onClick=${() => setCursors([...cursors, page.nextCursor])}>Next page</button>
    </div>
  </section>`;
}

// Audit log: filter by actor, action, outcome and time; paging; fairness flags included.
import { useState } from '../vendor/hooks.mjs';
import { html, Problem, ScrollRegion, time, usePagedList } from '../ui.js';

const OUTCOMES = ['success', 'denied', 'failure'];
const toIso = (local) => (local ? new Date(local).toISOString() : undefined);

export function AuditPage() {
  const [filters, setFilters] = useState({});
  const { page, error, firstPage, pager } = usePagedList('/admin/audit', { ...filters, limit: 50 });
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name) => String(form.get(name) ?? '').trim() || undefined;
    setFilters({ actor: value('actor'), action: value('action'), outcome: value('outcome'), from: toIso(value('from')), to: toIso(value('to')) });
    firstPage();
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
    ${pager}
  </section>`;
}

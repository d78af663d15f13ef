// Index versions: stored versions with size, kind, build time and documents (a segmented version:
// its base and delta count); the live one marked; activate (swap or roll back) with a confirmation.
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { onFeedEvent } from '../feed.js';
import { can } from '../session.js';
import { ConfirmButton, html, number, Problem, ScrollRegion, time } from '../ui.js';

/** A base's index kind (flat, ivf…); a segmented version's base and delta count (docs/segments.md). */
function kindOf(entry) {
  if (entry.kind !== 'segmented') return entry.manifest.index?.kind ?? '—';
  const deltas = entry.manifest.deltas?.length ?? 0;
  return html`segmented: <span class="mono">${entry.manifest.base?.version ?? '?'}</span> + ${deltas} ${deltas === 1 ? 'delta' : 'deltas'}`;
}

export function IndexVersionsPage() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stopped = false;
    api('/admin/index/versions')
      .then((result) => !stopped && (setList(result), setError(null)))
      .catch((failure) => !stopped && setError(failure));
    return () => {
      stopped = true;
    };
  }, [tick]);
  useEffect(() => onFeedEvent((event) => event.type === 'index.swapped' && setTick((value) => value + 1)), []);
  const versions = [...(list?.versions ?? [])].sort((a, b) => String(b.manifest.created ?? '').localeCompare(String(a.manifest.created ?? '')));
  return html`<section aria-labelledby="index-heading">
    <h1 id="index-heading">Index versions</h1>
    <${Problem} error=${error} />
    <${ScrollRegion} label="Versions, newest first">
      <table>
        <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Vectors</th><th scope="col">Kind</th><th scope="col">Documents</th><th scope="col">Built</th>${can('admin:index:manage') ? html`<th scope="col">Action</th>` : null}</tr></thead>
        <tbody>
          ${versions.map(
            (entry) => html`<tr data-version=${entry.version} class=${entry.live ? 'live' : ''}>
              <td class="mono">${entry.version}</td>
              <td>${entry.live ? html`<strong>live</strong>` : ''}${entry.serving && !entry.live ? 'serving' : ''}</td>
              <td>${number(entry.manifest.count)}</td>
              <td>${kindOf(entry)}</td>
              <td>${number(entry.kind === 'segmented' ? entry.manifest.documents : entry.manifest.source?.documents)}</td>
              <td>${time(entry.manifest.created)}</td>
              ${can('admin:index:manage')
                ? html`<td>${entry.live
                    ? ''
                    : html`<${ConfirmButton}
                        label=${`Activate ${entry.version}`}
                        question=${`Make ${entry.version} the live version?`}
                        action=${() => api(`/admin/index/versions/${entry.version}/activate`, { method: 'POST' })}
                        onDone=${() => setTick((value) => value + 1)}
                      />`}</td>`
                : null}
            </tr>`,
          )}
        </tbody>
      </table>
    </${ScrollRegion}>
    ${list && versions.length === 0 ? html`<p>No stored versions yet.</p>` : null}
  </section>`;
}

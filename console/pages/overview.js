// Overview: live index version and age, vectors against the thresholds, migration urgency, days
// until the critical threshold, queue depths and workers; refreshed by the live feed (or polled).
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { onFeedEvent } from '../feed.js';
import { can } from '../session.js';
import { age, html, number, Problem } from '../ui.js';

const REFRESH_EVENTS = new Set(['index.swapped', 'job.completed', 'job.failed', 'queue.depth']);

export function OverviewPage() {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    let pending;
    const load = async () => {
      try {
        const [stats, index, workers] = await Promise.all([
          api('/admin/stats'),
          can('admin:jobs:view') ? api('/admin/index') : null,
          can('admin:jobs:view') ? api('/admin/workers') : null,
        ]);
        if (!stopped) {
          setData({ stats, index, workers });
          setError(null);
        }
      } catch (failure) {
        if (!stopped) setError(failure);
      }
    };
    void load();
    // Events come in bursts (progress of many batches): one reload per half second at most.
    const off = onFeedEvent((event) => {
      if (!REFRESH_EVENTS.has(event.type) || pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void load();
      }, 300);
    });
    // Roles without the feed (metrics only) poll.
    const poll = can('admin:jobs:view') ? undefined : setInterval(load, 10_000);
    return () => {
      stopped = true;
      off();
      clearInterval(poll);
      clearTimeout(pending);
    };
  }, []);
  const stats = data?.stats;
  const created = data?.index?.current?.manifest?.created;
  return html`<section aria-labelledby="overview-heading">
    <h1 id="overview-heading">Overview</h1>
    <${Problem} error=${error} />
    ${stats
      ? html`<div class="cards">
          <div class="card">
            <h2>Live index</h2>
            <dl>
              <dt>Live version</dt><dd id="live-version">${stats.version ?? 'none'}</dd>
              <dt>Served here</dt><dd>${stats.serving ?? 'none'}</dd>
              ${created ? html`<dt>Built</dt><dd id="live-age">${age(created)}</dd>` : null}
              <dt>Index kind</dt><dd>${stats.indexKind ?? '—'}</dd>
            </dl>
          </div>
          <div class="card">
            <h2>Vectors</h2>
            <p class="big" id="vector-count">${number(stats.vectors)}</p>
            <label for="vectors-warning">Against ${number(stats.thresholds.warning)} (migration warning)</label>
            <meter id="vectors-warning" min="0" max=${stats.thresholds.warning} value=${Math.min(stats.vectors, stats.thresholds.warning)}>${stats.vectors}</meter>
            <label for="vectors-critical">Against ${number(stats.thresholds.critical)} (critical)</label>
            <meter id="vectors-critical" min="0" max=${stats.thresholds.critical} value=${Math.min(stats.vectors, stats.thresholds.critical)}>${stats.vectors}</meter>
          </div>
          <div class="card">
            <h2>Migration urgency</h2>
            <p class=${`big urgency-${stats.urgency.level}`} id="urgency">${stats.urgency.level} (${stats.urgency.score.toFixed(2)})</p>
            <dl>
              <dt>Growth per day</dt><dd>${stats.growthPerDay === null ? 'not growing' : number(Math.round(stats.growthPerDay))}</dd>
              <dt>Days until ${number(stats.thresholds.critical)}</dt><dd id="days-until">${stats.daysUntilCritical === null ? 'not on current growth' : number(Math.round(stats.daysUntilCritical))}</dd>
              <dt>Index memory</dt><dd>${number(Math.round(stats.memoryBytes / 1024))} KiB</dd>
            </dl>
          </div>
          <div class="card">
            <h2>Queue depths</h2>
            <table>
              <thead><tr><th scope="col">Queue</th><th scope="col">Not finished</th><th scope="col">Failed</th></tr></thead>
              <tbody>
                ${Object.entries(stats.depth).map(([queue, depth]) => html`<tr><th scope="row">${queue}</th><td>${number(depth)}</td><td>${number(stats.queues[queue]?.failed ?? 0)}</td></tr>`)}
              </tbody>
            </table>
            ${data.workers ? html`<p>Live workers: ${data.workers.workers.length} (${data.workers.runner})</p>` : null}
          </div>
        </div>`
      : error
        ? null
        : html`<p role="status">Loading…</p>`}
  </section>`;
}

// Overview: live index version and age, vectors against the thresholds, migration urgency, days
// until the critical threshold, queue depths and workers, refreshed by the live feed (or polled);
// request and error rates and the edge cache hit rate over the last minute, polled.
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { onFeedEvent } from '../feed.js';
import { can } from '../session.js';
import { age, html, number, Problem } from '../ui.js';

const REFRESH_EVENTS = new Set(['index.swapped', 'job.completed', 'job.failed', 'queue.depth']);
/** Rates have no feed event: /admin/stats is read again this often. */
const TRAFFIC_POLL_MS = 5000;

const perSecond = (value) => (value === null ? 'measuring…' : `${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')} /s`);
const percent = (ratio) => `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)} %`;
/** An error rate's share of all requests in the window, in words. */
const share = (errors, requests) => (errors === null ? '' : requests > 0 ? `${percent(errors / requests)} of requests` : 'no requests');

/** One figure of the traffic card: a label, the value (with an id for tests and links) and a note under it. */
const Stat = ({ label, id, value, note, bad }) =>
  html`<div class="stat"><dt>${label}</dt><dd><span class=${bad ? 'big urgency-critical' : 'big'} id=${id}>${value}</span>${note ? html`<span class="note" id=${`${id}-note`}>${note}</span>` : null}</dd></div>`;

function TrafficCard({ traffic }) {
  if (!traffic) return null;
  const span = traffic.windowSeconds === null ? 'first reading' : `last ${Math.round(traffic.windowSeconds)} s`;
  const measured = traffic.windowSeconds !== null;
  const hitRate = traffic.cacheHitRatio !== null ? percent(traffic.cacheHitRatio) : measured ? 'no lookups' : 'measuring…';
  return html`<div class="card traffic">
    <h2>Traffic <span class="note">(${span}, this instance)</span></h2>
    <dl class="stats">
      <${Stat} label="Requests" id="request-rate" value=${perSecond(traffic.requestsPerSecond)} />
      <${Stat} label="4xx errors" id="client-error-rate" value=${perSecond(traffic.clientErrorsPerSecond)} note=${share(traffic.clientErrorsPerSecond, traffic.requestsPerSecond)} />
      <${Stat} label="5xx errors" id="server-error-rate" value=${perSecond(traffic.serverErrorsPerSecond)} note=${share(traffic.serverErrorsPerSecond, traffic.requestsPerSecond)} bad=${traffic.serverErrorsPerSecond > 0} />
      <${Stat} label="Edge cache hit rate" id="cache-hit-rate" value=${hitRate} note=${measured ? `of ${number(traffic.cacheLookups)} edge lookups` : ''} />
    </dl>
    <p class="note">Since start: ${number(traffic.totals.requests)} requests, ${number(traffic.totals.clientErrors)} 4xx, ${number(traffic.totals.serverErrors)} 5xx; edge cache ${number(traffic.totals.cacheHits)} hits, ${number(traffic.totals.cacheMisses)} misses.</p>
  </div>`;
}

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
    // Roles without the feed (metrics only) poll everything.
    const poll = can('admin:jobs:view') ? undefined : setInterval(load, 10_000);
    // Rates change with every request: the stats alone, every few seconds, for everyone.
    const trafficPoll = setInterval(async () => {
      try {
        const stats = await api('/admin/stats');
        if (!stopped) {
          setData((previous) => (previous ? { ...previous, stats } : previous));
          setError(null);
        }
      } catch (failure) {
        if (!stopped) setError(failure);
      }
    }, TRAFFIC_POLL_MS);
    return () => {
      stopped = true;
      off();
      clearInterval(poll);
      clearInterval(trafficPoll);
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
          <${TrafficCard} traffic=${stats.traffic} />
        </div>`
      : error
        ? null
        : html`<p role="status">Loading…</p>`}
  </section>`;
}

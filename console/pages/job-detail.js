// One job: state, attempts, a progress bar moved by the live feed, its failure, result and flow
// parent; retry (failed) and cancel (not started) with confirmations.
import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { onFeedEvent, onFeedReconnect } from '../feed.js';
import { can } from '../session.js';
import { ConfirmButton, html, percentOf, Problem, time } from '../ui.js';
import { jobHref } from './jobs.js';
import { batchesHref } from './batches.js';

/** Progress objects the processors report, as a share of the job's own work. */
function jobPercent(job) {
  if (job.state === 'completed') return 100;
  const progress = job.progress;
  if (progress && typeof progress === 'object') {
    if (typeof progress.embedded === 'number' && progress.toEmbed > 0) return (100 * progress.embedded) / progress.toEmbed;
    if (typeof progress.batches === 'number' && progress.of > 0) return (90 * progress.batches) / progress.of;
    if (progress.stage === 'read') return 25;
    if (progress.stage === 'queued') return 75;
    if (progress.stage === 'saved') return 95;
  }
  return percentOf(progress);
}

export function JobDetailPage({ params }) {
  const [queue, id] = params;
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  // Feed events seen for this job: a re-read answered after one of them is older than what the page shows.
  const seen = useRef({ events: 0 }).current;
  useEffect(() => {
    let stopped = false;
    const before = seen.events;
    api(`/admin/jobs/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`)
      .then((result) => {
        if (stopped) return;
        setJob((current) => (current && seen.events !== before ? { ...result, state: current.state, progress: current.progress } : result));
        setError(null);
      })
      .catch((failure) => !stopped && setError(failure));
    return () => {
      stopped = true;
    };
  }, [queue, id, tick]);
  useEffect(() => {
    const offEvents = onFeedEvent((event) => {
      if (event.jobId !== id || event.queue !== queue) return;
      seen.events += 1;
      if (event.type === 'job.progress') setJob((current) => (current ? { ...current, state: 'active', progress: event.progress } : current));
      else setTick((value) => value + 1);
    });
    // After a reconnect the server replays what was missed; the job is re-read too, in case the replay could not reach back far enough.
    const offReconnect = onFeedReconnect(() => setTick((value) => value + 1));
    return () => (offEvents(), offReconnect());
  }, [queue, id]);
  const percent = job ? Math.round(jobPercent(job)) : 0;
  return html`<section aria-labelledby="job-heading">
    <p><a href="#/jobs">← Jobs</a></p>
    <h1 id="job-heading">Job <span class="mono">${id}</span></h1>
    <${Problem} error=${error} />
    ${job
      ? html`<div>
          <label for="job-progress">Progress: <span id="job-percent">${percent} %</span></label>
          <progress id="job-progress" max="100" value=${percent}>${percent} %</progress>
          <dl class="facts">
            <dt>Queue</dt><dd>${job.queue}</dd>
            <dt>Name</dt><dd>${job.name}</dd>
            <dt>State</dt><dd id="job-state" class=${`state state-${job.state}`}>${job.state}</dd>
            <dt>Attempts</dt><dd>${job.attemptsMade} of ${job.attempts}</dd>
            <dt>Created</dt><dd>${time(job.createdAt)}</dd>
            <dt>Started</dt><dd>${time(job.processedAt)}</dd>
            <dt>Finished</dt><dd>${time(job.finishedAt)}</dd>
            ${job.parent ? html`<dt>Part of</dt><dd><a href=${jobHref(job.parent.queue, job.parent.id)}>${job.parent.id}</a></dd>` : null}
            ${job.name === 'ingest' ? html`<dt>Batches</dt><dd><a href=${batchesHref(job.id)}>Batch progress of this sync</a></dd>` : null}
          </dl>
          ${job.failedReason ? html`<div class="problem" role="alert"><strong>Failed</strong><span>${job.failedReason}</span></div>` : null}
          ${can('admin:jobs:manage')
            ? html`<div class="actions">
                ${job.state === 'failed'
                  ? html`<${ConfirmButton} label="Retry" question="Run this job again?" action=${() => api(`/admin/jobs/${queue}/${encodeURIComponent(id)}/retry`, { method: 'POST' })} onDone=${() => setTick(tick + 1)} />`
                  : null}
                ${['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(job.state)
                  ? html`<${ConfirmButton} label="Cancel" question="Remove this job before it starts?" action=${() => api(`/admin/jobs/${queue}/${encodeURIComponent(id)}/cancel`, { method: 'POST' })} onDone=${() => setTick(tick + 1)} />`
                  : null}
              </div>`
            : null}
          <details><summary>Progress, data and result</summary>
            <pre>${JSON.stringify({ progress: job.progress, data: job.data, result: job.result }, null, 2)}</pre>
          </details>
        </div>`
      : error
        ? null
        : html`<p role="status">Loading…</p>`}
  </section>`;
}

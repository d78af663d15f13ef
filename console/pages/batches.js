// Batch progress: an ingest run's embed-batch jobs as they are embedded, documents/s and ETA,
// moved live by the feed (embed-batch progress and completions), finished batches listed.
// #/batches follows the newest ingest run; #/batches/<ingest job id> shows that one.
import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { onFeedEvent, onFeedReconnect } from '../feed.js';
import { html, number, Problem, ScrollRegion, time } from '../ui.js';
import { jobHref } from './jobs.js';

/** Finished batches listed at most (newest first); the counts cover them all. */
const FINISHED_SHOWN = 100;
/** Job list pages read at most when gathering a run's batches (200 jobs each). */
const MAX_PAGES = 25;
const BATCH_JOB_ID = /^embed-batch\.([0-9a-f]{16})\.(\d+)$/;

export const batchesHref = (ingestJobId) => (ingestJobId ? `#/batches/${encodeURIComponent(ingestJobId)}` : '#/batches');

/** What an ingest job says about its run (result when finished, the 'queued' progress while running). */
function runOf(ingest) {
  const source = ingest?.result && typeof ingest.result === 'object' && ingest.result.run ? ingest.result : ingest?.progress;
  if (!source || typeof source !== 'object' || typeof source.run !== 'string') return null;
  return {
    run: source.run,
    batches: source.batches ?? 0,
    documents: source.documents ?? null,
    reused: source.reused ?? 0,
    toEmbed: source.toEmbed ?? 0,
  };
}

/** A batch from an embed-batch job of the API. */
function batchFromJob(job) {
  const progress = job.progress && typeof job.progress === 'object' ? job.progress : {};
  const result = job.result && typeof job.result === 'object' ? job.result : null;
  return {
    batch: job.data?.batch ?? Number(BATCH_JOB_ID.exec(job.id)?.[2] ?? -1),
    jobId: job.id,
    state: job.state,
    documents: result?.count ?? progress.documents ?? null,
    embedded: result?.embedded ?? progress.embedded ?? 0,
    toEmbed: result ? result.embedded : (progress.toEmbed ?? null),
    reused: result?.reused ?? progress.reused ?? 0,
    startedAt: job.processedAt,
    finishedAt: job.state === 'completed' ? job.finishedAt : null,
  };
}

/** The run's embed-batch jobs, newest pages first, until all are found or the jobs get older than the ingest. */
async function loadBatches(run, ingest) {
  const found = new Map();
  let cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await api('/admin/jobs', { query: { queue: 'embedding', limit: 200, cursor } });
    for (const job of result.items) {
      if (job.name === 'embed-batch' && job.data?.run === run.run) found.set(job.id, batchFromJob(job));
    }
    const oldest = result.items.at(-1);
    if (!result.nextCursor || found.size >= run.batches || (oldest && Date.parse(oldest.createdAt) < Date.parse(ingest.createdAt))) break;
    cursor = result.nextCursor;
  }
  return new Map([...found.values()].map((batch) => [batch.batch, batch]));
}

/** Seconds as "40 ms", "12 s", "3 min 5 s". */
function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** Totals, documents/s and ETA over the batches seen; times are the server's (job and event timestamps). */
export function runFigures(run, batches, startedAt, latestAt) {
  const list = [...batches.values()];
  const finished = list.filter((batch) => batch.state === 'completed');
  const embedded = list.reduce((sum, batch) => sum + (batch.embedded ?? 0), 0);
  const toEmbed = run.toEmbed;
  const done = run.batches > 0 && finished.length >= run.batches;
  const starts = [startedAt, ...list.map((batch) => batch.startedAt)].filter(Boolean).map(Date.parse);
  const ends = done ? finished.map((batch) => Date.parse(batch.finishedAt ?? '')).filter(Number.isFinite) : [Date.parse(latestAt ?? '')].filter(Number.isFinite);
  const start = starts.length > 0 ? Math.min(...starts) : NaN;
  const end = ends.length > 0 ? Math.max(...ends) : NaN;
  const seconds = (end - start) / 1000;
  const rate = embedded > 0 && seconds > 0 ? embedded / seconds : null;
  const eta = done ? 0 : rate ? Math.max(0, toEmbed - embedded) / rate : null;
  return { finished: finished.length, embedded, toEmbed, done, seconds, rate, eta };
}

function BatchRow({ batch }) {
  const took = batch.startedAt && batch.finishedAt ? (Date.parse(batch.finishedAt) - Date.parse(batch.startedAt)) / 1000 : NaN;
  return html`<tr class="batch-row" data-batch=${batch.batch}>
    <td>${batch.batch + 1}</td>
    <td>${number(batch.documents)}</td>
    <td>${number(batch.embedded)}</td>
    <td>${number(batch.reused)}</td>
    <td>${duration(took)}</td>
    <td>${time(batch.finishedAt)}</td>
  </tr>`;
}

/** Runs whose feed events the page keeps (the selected one and the few before it). */
const RUNS_KEPT = 4;

/** The later of two views of one batch: completed beats running, more embedded beats less. */
function laterBatch(left, right) {
  if (!left) return right;
  if (!right) return left;
  if ((left.state === 'completed') !== (right.state === 'completed')) {
    const [done, other] = left.state === 'completed' ? [left, right] : [right, left];
    return { ...other, ...done, startedAt: done.startedAt ?? other.startedAt };
  }
  return (right.embedded ?? 0) >= (left.embedded ?? 0) ? { ...left, ...right, startedAt: left.startedAt ?? right.startedAt } : left;
}

/**
 * What the feed said about each run: batch by batch, the stage after embedding, the time of the
 * latest event. Kept for every run, whether shown or not, so events that come while a run's jobs
 * are being read from the API are not lost: the page shows the later of both.
 */
function applyFeedEvent(runs, event) {
  const batchMatch = event.name === 'embed-batch' ? BATCH_JOB_ID.exec(event.jobId) : null;
  const stageMatch = event.type === 'job.completed' && /^(build-index|publish)\.([0-9a-f]{16})$/.exec(event.jobId);
  const runId = batchMatch?.[1] ?? (stageMatch ? stageMatch[2] : null);
  if (!runId) return false;
  if (!runs.has(runId)) {
    runs.set(runId, { batches: new Map(), stage: null, latestAt: null });
    for (const old of [...runs.keys()].slice(0, -RUNS_KEPT)) runs.delete(old);
  }
  const record = runs.get(runId);
  record.latestAt = event.at;
  if (stageMatch) {
    record.stage = stageMatch[1] === 'publish' ? `Published: version ${event.result?.version} is live` : (record.stage ?? `Index built: version ${event.result?.version}`);
    return true;
  }
  const index = Number(batchMatch[2]);
  const before = record.batches.get(index) ?? { batch: index, jobId: event.jobId, state: 'active', documents: null, embedded: 0, toEmbed: null, reused: 0, startedAt: null, finishedAt: null };
  let after = before;
  if (event.type === 'job.progress') {
    const progress = event.progress;
    after = {
      ...before,
      state: before.state === 'completed' ? 'completed' : 'active',
      documents: progress.documents ?? before.documents,
      embedded: Math.max(progress.embedded ?? 0, before.embedded ?? 0),
      toEmbed: progress.toEmbed ?? before.toEmbed,
      reused: progress.reused ?? before.reused,
      startedAt: before.startedAt ?? event.at,
    };
  } else if (event.type === 'job.completed') {
    const result = event.result ?? {};
    after = { ...before, state: 'completed', documents: result.count ?? before.documents, embedded: result.embedded ?? before.embedded, reused: result.reused ?? before.reused, finishedAt: event.at };
  } else if (event.type === 'job.failed' && before.state !== 'completed') {
    after = { ...before, state: event.willRetry ? 'retrying' : 'failed', error: event.error };
  }
  record.batches.set(index, after);
  return true;
}

export function BatchesPage({ params }) {
  const chosen = params[0];
  const [ingests, setIngests] = useState([]);
  const [ingest, setIngest] = useState(null);
  // What the job API said when the run was (re-)read.
  const [loaded, setLoaded] = useState({ batches: new Map(), stage: null });
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  // Bumped on every feed event the page keeps, to render it.
  const [, setFeedVersion] = useState(0);
  const feedRuns = useRef(new Map()).current;
  // The newest ingest run seen on the feed, followed when no job is chosen in the URL.
  const [newest, setNewest] = useState(null);

  useEffect(() => {
    let stopped = false;
    (async () => {
      const listed = await api('/admin/jobs', { query: { queue: 'embedding', limit: 200 } });
      const recent = listed.items.filter((job) => job.name === 'ingest');
      const id = chosen ?? newest ?? recent.find((job) => runOf(job))?.id ?? recent[0]?.id;
      const picked = id ? await api(`/admin/jobs/embedding/${encodeURIComponent(id)}`) : null;
      const run = runOf(picked);
      const [batches, published] = run
        ? await Promise.all([loadBatches(run, picked), api(`/admin/jobs/indexing/${encodeURIComponent(`publish.${run.run}`)}`).catch(() => null)])
        : [new Map(), null];
      if (stopped) return;
      const stage = published?.state === 'completed' && published.result?.version ? `Published: version ${published.result.version} is live` : null;
      setIngests(recent.some((job) => job.id === picked?.id) || !picked ? recent : [picked, ...recent]);
      setIngest(picked);
      setLoaded({ batches, stage });
      setError(null);
    })().catch((failure) => !stopped && setError(failure));
    return () => {
      stopped = true;
    };
  }, [chosen, newest, tick]);

  useEffect(() => {
    const offEvents = onFeedEvent((event) => {
      if (!event.type.startsWith('job.')) return;
      if (event.name === 'ingest') {
        if (event.jobId === ingest?.id) {
          if (event.type === 'job.progress') setIngest((current) => ({ ...current, state: 'active', progress: event.progress }));
          else setTick((value) => value + 1);
        } else if (!chosen && (event.progress?.run || event.result?.run)) {
          // A new run (its 'queued' progress, or its completion when that came first and the feed coalesced the progress away).
          setNewest(event.jobId);
        }
        return;
      }
      if (applyFeedEvent(feedRuns, event)) setFeedVersion((value) => value + 1);
    });
    // After a reconnect the feed replays what was missed; the run is re-read too, in case the replay could not reach back far enough.
    const offReconnect = onFeedReconnect(() => setTick((value) => value + 1));
    return () => (offEvents(), offReconnect());
  }, [ingest?.id, chosen]);

  const run = runOf(ingest);
  const fed = run ? feedRuns.get(run.run) : undefined;
  const batches = new Map(loaded.batches);
  for (const [index, batch] of fed?.batches ?? []) batches.set(index, laterBatch(batches.get(index), batch));
  const stage = fed?.stage?.startsWith('Published') ? fed.stage : (loaded.stage ?? fed?.stage ?? null);
  const figures = run ? runFigures(run, batches, ingest.finishedAt ?? ingest.processedAt, fed?.latestAt ?? null) : null;
  const list = [...batches.values()];
  const running = list.filter((batch) => batch.state !== 'completed' && batch.state !== 'waiting').sort((a, b) => a.batch - b.batch);
  const finished = list.filter((batch) => batch.state === 'completed').sort((a, b) => Date.parse(b.finishedAt ?? '') - Date.parse(a.finishedAt ?? '') || b.batch - a.batch);
  const percent = run && run.batches > 0 ? Math.round((100 * (figures?.finished ?? 0)) / run.batches) : 0;
  const choose = (event) => (location.hash = batchesHref(event.currentTarget.value));

  return html`<section class="batches-page" aria-labelledby="batches-heading">
    <link rel="stylesheet" href="/console/assets/batches.css" />
    <h1 id="batches-heading">Batch progress</h1>
    <${Problem} error=${error} />
    ${ingests.length > 0
      ? html`<form class="filters" onSubmit=${(event) => event.preventDefault()}>
          <label>Ingest job <select name="ingest" value=${ingest?.id ?? ''} onChange=${choose}>
            ${ingests.map((job) => html`<option value=${job.id}>${job.id} (${job.state})</option>`)}
          </select></label>
        </form>`
      : null}
    ${ingest === null && !error ? html`<p role="status">No ingest job yet: start a sync from Jobs.</p>` : null}
    ${ingest && !run
      ? html`<p>Ingest job <a href=${jobHref('embedding', ingest.id)}>${ingest.id}</a> is ${ingest.state}${ingest.result?.skipped ? ' (the source was unchanged: nothing to embed)' : ''}.</p>`
      : null}
    ${run
      ? html`<div class="cards">
          <div class="card">
            <h2>Run <span class="mono">${run.run}</span></h2>
            <label for="batches-progress">Batches embedded: <span id="batches-finished">${figures.finished} of ${run.batches}</span></label>
            <progress id="batches-progress" max="100" value=${percent}>${percent} %</progress>
            <dl class="facts">
              <dt>Ingest job</dt><dd><a href=${jobHref('embedding', ingest.id)}>${ingest.id}</a></dd>
              <dt>Documents embedded</dt><dd id="batches-embedded">${number(figures.embedded)} of ${number(run.toEmbed)}</dd>
              <dt>Reused vectors</dt><dd>${number(run.reused)}</dd>
              <dt>Documents/s</dt><dd id="batches-rate">${figures.rate ? figures.rate.toFixed(1) : '—'}</dd>
              <dt>${figures.done ? 'Took' : 'ETA'}</dt><dd id="batches-eta">${figures.done ? duration(figures.seconds) : figures.eta === null ? '—' : `about ${duration(figures.eta)}`}</dd>
              <dt>Stage</dt><dd id="batches-stage">${stage ?? (figures.done ? 'All batches embedded' : 'Embedding')}</dd>
            </dl>
          </div>
        </div>
        <h2 class="batches-title">Running (${running.length})</h2>
        ${running.length > 0
          ? html`<ul class="batches-running" aria-label="Running batches">
              ${running.map((batch) => {
                const share = batch.toEmbed > 0 ? Math.round((100 * batch.embedded) / batch.toEmbed) : 0;
                return html`<li data-batch=${batch.batch}>
                  <label for=${`batch-${batch.batch}`}>Batch ${batch.batch + 1}: ${batch.state}${batch.error ? ` (${batch.error})` : ''}, ${number(batch.embedded)} of ${number(batch.toEmbed)} embedded</label>
                  <progress id=${`batch-${batch.batch}`} max="100" value=${share}>${share} %</progress>
                </li>`;
              })}
            </ul>`
          : html`<p>None.</p>`}
        <h2 class="batches-title">Finished (${finished.length})</h2>
        <${ScrollRegion} label="Finished batches">
          <table>
            <caption class="visually-hidden">Finished batches, newest first</caption>
            <thead><tr><th scope="col">Batch</th><th scope="col">Documents</th><th scope="col">Embedded</th><th scope="col">Reused</th><th scope="col">Took</th><th scope="col">Finished</th></tr></thead>
            <tbody>${finished.slice(0, FINISHED_SHOWN).map((batch) => html`<${BatchRow} key=${batch.batch} batch=${batch} />`)}</tbody>
          </table>
        </${ScrollRegion}>
        ${finished.length > FINISHED_SHOWN ? html`<p>And ${finished.length - FINISHED_SHOWN} earlier ones.</p>` : null}`
      : null}
  </section>`;
}

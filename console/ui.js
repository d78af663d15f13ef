// Shared pieces: htm bound to Preact (text in templates is always set as text, never as HTML),
// the problem panel, two-step confirmations, formatting.
import { h } from './vendor/preact.mjs';
import { useEffect, useState } from './vendor/hooks.mjs';
import htm from './vendor/htm.mjs';
import { api } from './api.js';

export const html = htm.bind(h);

/** A failure in words: the problem+json title and detail (never a stack). */
export function Problem({ error }) {
  if (!error) return null;
  const title = error.title ?? 'Something went wrong';
  const detail = error.detail ?? (error.title ? '' : String(error.message ?? error));
  return html`<div class="problem" role="alert"><strong>${title}</strong>${detail ? html`<span>${detail}</span>` : null}</div>`;
}

/**
 * A button that asks before acting: the first press shows "Confirm" and "Keep" in its place;
 * `action` runs only on Confirm. Failures are shown under it.
 */
export function ConfirmButton({ label, question, action, onDone, disabled }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      setAsking(false);
      onDone?.(result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="confirm">
    ${asking
      ? html`<span class="confirm-question" role="group" aria-label=${question}>
          <span>${question}</span>
          <button type="button" class="danger" disabled=${busy} onClick=${run}>Confirm</button>
          <button type="button" disabled=${busy} onClick=${() => setAsking(false)}>Keep</button>
        </span>`
      : html`<button type="button" disabled=${disabled} onClick=${() => setAsking(true)}>${label}</button>`}
    <${Problem} error=${error} />
  </span>`;
}

/**
 * A table's box that scrolls sideways on a narrow screen: a named region the keyboard can reach
 * (tabindex 0) and scroll, for tables with nothing focusable in them.
 */
export function ScrollRegion({ label, children }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${label}>${children}</div>`;
}

/** "3 min ago" style age from an ISO time. */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

export const number = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : '—');
export const time = (iso) => (iso ? new Date(iso).toLocaleString('en-GB', { hour12: false }) : '—');

/** A job's progress as a percentage 0–100 (numbers, or {percent}/{done,total} objects). */
export function percentOf(progress) {
  if (typeof progress === 'number') return Math.max(0, Math.min(100, progress));
  if (progress && typeof progress === 'object') {
    if (typeof progress.percent === 'number') return Math.max(0, Math.min(100, progress.percent));
    if (typeof progress.done === 'number' && typeof progress.total === 'number' && progress.total > 0) return Math.min(100, (100 * progress.done) / progress.total);
  }
  return 0;
}

/**
 * A cursor-paged admin list: the page fetched from `path` with `query` (a plain object, compared
 * by value) and the cursor of the page shown, its error, whether the first page is shown, and
 * `firstPage` (after a filter changes) and `reload`. `pager` is the Previous/Next buttons.
 */
export function usePagedList(path, query) {
  const [cursors, setCursors] = useState([undefined]);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const cursor = cursors[cursors.length - 1];
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    let stopped = false;
    api(path, { query: { ...query, cursor } })
      .then((result) => !stopped && (setPage(result), setError(null)))
      .catch((failure) => !stopped && setError(failure));
    return () => {
      stopped = true;
    };
  }, [path, queryKey, cursor, tick]);
  return {
    page,
    error,
    onFirstPage: cursors.length === 1,
    firstPage: () => setCursors([undefined]),
    reload: () => setTick((value) => value + 1),
    pager: html`<div class="pager">
      <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Previous page</button>
      <button type="button" disabled=${!page?.nextCursor} onClick=${() => setCursors([...cursors, page.nextCursor])}>Next page</button>
    </div>`,
  };
}


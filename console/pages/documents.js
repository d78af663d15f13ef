// Documents: upload a JSONL file (one document a line) with an upload progress bar; rejected rows
// listed with why; the resulting sync job followed to the end.
import { useState } from '../vendor/hooks.mjs';
import { uploadWithProgress } from '../api.js';
import { html, Problem } from '../ui.js';
import { jobHref } from './jobs.js';

/** Parses JSONL text: documents to send and the lines that are not JSON objects. */
function parseJsonl(text) {
  const documents = [];
  const unreadable = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) documents.push({ line: index + 1, value });
      else unreadable.push({ line: index + 1, message: 'not a JSON object' });
    } catch {
      unreadable.push({ line: index + 1, message: 'not valid JSON' });
    }
  });
  return { documents, unreadable };
}

export function DocumentsPage() {
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const upload = async (event) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    const { documents, unreadable } = parseJsonl(await file.text());
    const lines = documents.map((entry) => entry.line);
    const rows = (rejected) => [
      ...unreadable.map((entry) => ({ line: entry.line, id: null, errors: [{ path: '', message: entry.message }] })),
      ...(rejected ?? []).map((entry) => ({ line: lines[entry.index], id: entry.id, errors: entry.errors })),
    ];
    if (documents.length === 0) {
      setResult({ accepted: [], rejected: rows([]), syncJobId: null });
      return;
    }
    setProgress(0);
    try {
      const { body } = await uploadWithProgress('/admin/documents', JSON.stringify({ documents: documents.map((entry) => entry.value) }), setProgress);
      setResult({ ...body, rejected: rows(body.rejected) });
    } catch (failure) {
      setError(failure);
      if (Array.isArray(failure.problem?.rejected)) setResult({ accepted: [], rejected: rows(failure.problem.rejected), syncJobId: null });
    }
  };
  return html`<section aria-labelledby="documents-heading">
    <h1 id="documents-heading">Documents</h1>
    <p>Upload a JSONL file, one document a line: <code>{"id", "title", "text", "url"?, "tags"?}</code> (text 20–20,000 characters, at most 500 documents).</p>
    <form onSubmit=${upload} class="upload">
      <label for="documents-file">JSONL file</label>
      <input id="documents-file" type="file" accept=".jsonl,application/jsonl,application/x-ndjson,text/plain" onChange=${(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
      <button type="submit" disabled=${!file}>Upload</button>
    </form>
    ${file ? html`<p>Selected: <span class="mono">${file.name}</span></p>` : null}
    ${progress !== null ? html`<label for="upload-progress">Upload</label><progress id="upload-progress" max="100" value=${Math.round(progress * 100)}>${Math.round(progress * 100)} %</progress>` : null}
    <${Problem} error=${error} />
    ${result
      ? html`<div class="upload-result">
          <p id="upload-summary">${result.accepted.length} accepted, ${result.rejected.length} rejected.</p>
          ${result.rejected.length > 0
            ? html`<table aria-label="Rejected rows">
                <thead><tr><th scope="col">Line</th><th scope="col">Id</th><th scope="col">Why</th></tr></thead>
                <tbody>${result.rejected.map(
                  (row) => html`<tr class="rejected-row"><td>${row.line ?? '—'}</td><td class="mono">${row.id ?? '—'}</td><td>${row.errors.map((entry) => `${entry.path ? `${entry.path}: ` : ''}${entry.message}`).join('; ')}</td></tr>`,
                )}</tbody>
              </table>`
            : null}
          ${result.syncJobId ? html`<p>Sync started: <a id="upload-job" href=${jobHref('embedding', result.syncJobId)}>follow job ${result.syncJobId}</a></p>` : null}
        </div>`
      : null}
  </section>`;
}

// Documents: upload a file of documents (JSON Lines, CSV with a header row, or Parquet) with an
// upload progress bar; the server reads it, and rejected rows are listed with their row number
// and why; the resulting sync job is followed to the end.
import { useState } from '../vendor/hooks.mjs';
import { uploadWithProgress } from '../api.js';
import { html, Problem, ScrollRegion } from '../ui.js';
import { jobHref } from './jobs.js';
import { batchesHref } from './batches.js';

/** Media types the upload API reads, by file extension. */
const FORMATS = [
  { extensions: ['.jsonl', '.ndjson'], type: 'application/x-ndjson', name: 'JSON Lines' },
  { extensions: ['.csv'], type: 'text/csv', name: 'CSV' },
  { extensions: ['.parquet'], type: 'application/vnd.apache.parquet', name: 'Parquet' },
];
/** The API's body limit for one upload (MAX_UPLOAD_BODY_BYTES). */
const MAX_BYTES = 4 * 1024 * 1024;

const formatOf = (file) => FORMATS.find((format) => format.extensions.some((extension) => file.name.toLowerCase().endsWith(extension))) ?? null;

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
    const format = formatOf(file);
    if (!format) return setError({ title: 'Not a file the console can upload', detail: 'Choose a .jsonl, .csv or .parquet file.' });
    if (file.size > MAX_BYTES) return setError({ title: 'File too large', detail: `An upload is at most 4 MiB; this file is ${(file.size / 1024 / 1024).toFixed(1)} MiB. Split it into several.` });
    setProgress(0);
    try {
      const { body } = await uploadWithProgress('/admin/documents', file, setProgress, format.type);
      setResult(body);
    } catch (failure) {
      setError(failure);
      if (Array.isArray(failure.problem?.rejected)) setResult({ accepted: [], rejected: failure.problem.rejected, syncJobId: null });
    }
  };
  return html`<section aria-labelledby="documents-heading">
    <h1 id="documents-heading">Documents</h1>
    <p>Upload a file of documents, each with <code>id</code>, <code>title</code> and <code>text</code> (20–20,000 characters), and optionally <code>url</code> and <code>tags</code>; at most 500 documents and 4 MiB:</p>
    <ul>
      <li>JSON Lines (<code>.jsonl</code>): one JSON object a line;</li>
      <li>CSV (<code>.csv</code>): a header row naming the columns (<code>id,title,text</code>), fields with commas, quotes or line breaks in double quotes;</li>
      <li>Parquet (<code>.parquet</code>): columns of those names.</li>
    </ul>
    <form onSubmit=${upload} class="upload">
      <label for="documents-file">Documents file</label>
      <input id="documents-file" type="file" accept=".jsonl,.ndjson,.csv,.parquet,application/x-ndjson,text/csv" onChange=${(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
      <button type="submit" disabled=${!file}>Upload</button>
    </form>
    ${file ? html`<p>Selected: <span class="mono">${file.name}</span>${formatOf(file) ? ` (${formatOf(file).name})` : ''}</p>` : null}
    ${progress !== null ? html`<label for="upload-progress">Upload</label><progress id="upload-progress" max="100" value=${Math.round(progress * 100)}>${Math.round(progress * 100)} %</progress>` : null}
    <${Problem} error=${error} />
    ${result
      ? html`<div class="upload-result">
          <p id="upload-summary">${result.accepted.length} accepted, ${result.rejected.length} rejected.</p>
          ${result.rejected.length > 0
            ? html`<${ScrollRegion} label="Rejected rows"><table>
                <thead><tr><th scope="col">Row</th><th scope="col">Id</th><th scope="col">Why</th></tr></thead>
                <tbody>${result.rejected.map(
                  (row) => html`<tr class="rejected-row"><td>${row.row ?? row.index + 1}</td><td class="mono">${row.id ?? '—'}</td><td>${row.errors.map((entry) => `${entry.path ? `${entry.path}: ` : ''}${entry.message}`).join('; ')}</td></tr>`,
                )}</tbody>
              </table></${ScrollRegion}>`
            : null}
          ${result.syncJobId
            ? html`<p>Sync started: <a id="upload-job" href=${jobHref('embedding', result.syncJobId)}>follow job ${result.syncJobId}</a> · <a href=${batchesHref(result.syncJobId)}>its batch progress</a></p>`
            : null}
        </div>`
      : null}
  </section>`;
}

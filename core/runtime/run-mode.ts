/** How a core process runs: `all` (API + indexing jobs, `npm start`), `api`, or `worker`. */
export type RunMode = 'all' | 'api' | 'worker';

import type { JobSystem } from '../jobs/create-job-system.ts';
import type { JobAdministration } from '../ports/job-admin.ts';
import type { UploadedDocumentStore } from '../sources/uploaded-document-store.ts';
import type { IndexControl } from './index-control.ts';

/** What the job, queue, index, stats and dashboard routes work with. */
export interface OperationsDeps {
  /** The admin operations of the runner, and the one producer call the routes make. */
  jobs: { runner: JobAdministration } & Pick<JobSystem, 'enqueueSync'>;
  /** Source names a sync may name; the first is the one "build now" and uploads re-sync (the corpus). */
  sources: readonly [string, ...string[]];
  uploads: Pick<UploadedDocumentStore, 'put' | 'delete'>;
  index: IndexControl;
}

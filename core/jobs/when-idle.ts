import type { JobAdministration } from '../ports/job-admin.ts';
import type { JobState, QueueCounts } from '../ports/job-spec.ts';
import type { RunnerEvent, RunnerEvents } from '../ports/job-workers.ts';

/** States in which a job still has work ahead of it. */
const UNFINISHED: readonly JobState[] = ['waiting', 'waiting-children', 'prioritized', 'delayed', 'active'];

/** True when no queue holds an unfinished job. */
function isIdle(counts: QueueCounts): boolean {
  return Object.values(counts).every((states) => UNFINISHED.every((state) => (states[state] ?? 0) === 0));
}

/** One counts read now, another after each completion or failure, until nothing is left to run. */
export function whenIdle(runner: Pick<JobAdministration, 'counts'> & Pick<RunnerEvents, 'subscribe'>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let reading = false;
    let again = false;
    let done = false;
    const finish = (error?: unknown) => {
      done = true;
      unsubscribe();
      if (error === undefined) resolve();
      else reject(error);
    };
    // Reads never overlap; an event during a read asks for one more, so the last event is never missed.
    const check = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          if (isIdle(await runner.counts())) return finish();
        } while (again && !done);
      } catch (error) {
        finish(error);
      } finally {
        reading = false;
      }
    };
    const unsubscribe = runner.subscribe((event: RunnerEvent) => {
      if (!done && event.type !== 'progress') void check();
    });
    void check();
  });
}

import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes on Linux, read from /proc/<pid>/stat (user + system, all threads), so the
 * edge bench can say where a request's CPU goes (workerd, the Upstash bridge, Redis, the load
 * generator). Clock ticks are 100 per second on Linux (USER_HZ).
 */
const TICKS_PER_SECOND = 100;

/** The fields after `(comm)`; comm may hold spaces and parentheses, so split at the last `)`. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by a process (0 when it is gone or /proc is not there). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the state field's start.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0;
}

/** Processes whose parent is `ppid` and whose command name (comm) matches. */
export function childPids(ppid: number, comm: RegExp): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fields = statFields(pid);
    if (!fields || Number(fields[1]) !== ppid) continue;
    let name = '';
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm.test(name)) pids.push(pid);
  }
  return pids;
}

/** CPU seconds each named group of processes used while `work` ran. */
export async function measureCpu<T>(groups: Record<string, number[]>, work: () => Promise<T>): Promise<{ value: T; cpuSeconds: Record<string, number> }> {
  const total = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, total(pids)]));
  const value = await work();
  const used = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, total(pids) - before[name]!]));
  return { value, cpuSeconds: used };
}

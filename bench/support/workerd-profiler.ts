import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

/**
 * A V8 CPU profile of a Worker in workerd, taken through Miniflare's inspector proxy (start the
 * Worker with `inspectorPort`) with the DevTools protocol's Profiler domain, while `work` runs.
 * For the edge bench's `--workerd-prof` diagnostic only: the inspector itself slows the Worker.
 */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function profileWorker<T>(inspectorPort: number, work: () => Promise<T>, samplingIntervalUs = 100): Promise<{ value: T; profile: CpuProfile }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ webSocketDebuggerUrl: string; title: string }>;
  const target = targets.find((entry) => !entry.webSocketDebuggerUrl.endsWith('/')) ?? targets[0];
  if (!target) throw new Error('no Worker behind the inspector');
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiting?.reject(new Error(message.error.message));
    else waiting?.resolve(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = (nextId += 1);
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await send('Profiler.start');
    const value = await work();
    const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile };
    return { value, profile };
  } finally {
    socket.close();
  }
}

/** Self time by function (name, file, line), largest first, as ms and share of the sampled time. */
export function selfTimeSummary(profile: CpuProfile, top = 40): Array<{ function: string; selfMs: number; share: number }> {
  const byNode = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index += 1) {
    const node = profile.samples[index]!;
    byNode.set(node, (byNode.get(node) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').slice(-2).join('/');
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ function: name, selfMs: Math.round(us) / 1000, share: Math.round((us / Math.max(1, total)) * 1000) / 1000 }));
}

/** Inclusive time of every function whose name matches, summed over its call sites (recursion counted once per stack). */
export function inclusiveTime(profile: CpuProfile, match: RegExp): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  let us = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    for (let id: number | undefined = profile.samples[index]; id !== undefined; id = parent.get(id)) {
      if (match.test(nodes.get(id)!.callFrame.functionName)) {
        us += profile.timeDeltas[index] ?? 0;
        break;
      }
    }
  }
  return us / 1000;
}

export const saveProfile = (path: string, profile: CpuProfile): void => writeFileSync(path, JSON.stringify(profile));

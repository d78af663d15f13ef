import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../core/jobs/queue-topology.ts';

/** Removes a benchmark run's BullMQ queues and every other key under its unique `prefix`. */
export async function removeBenchKeys(redisUrl: string, prefix: string): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(name, { connection, prefix: `${prefix}bull` });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
    const keys = await connection.keys(`${prefix}*`);
    if (keys.length > 0) await connection.del(...keys);
  } finally {
    connection.disconnect();
  }
}

import { randomBytes } from 'node:crypto';
import { BridgeEnvSchema } from './bridge-config.ts';
import { startUpstashBridge } from './start-upstash-bridge.ts';

const parsed = BridgeEnvSchema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
  process.exit(2);
}
const env = parsed.data;
let token = env.UPSTASH_BRIDGE_TOKEN;
if (!token) {
  token = randomBytes(18).toString('base64url');
  // Shown once on the terminal (never in the JSON log) so the developer can configure the edge.
  process.stderr.write(`UPSTASH_BRIDGE_TOKEN was not set; generated one for this run: ${token}\n`);
}
const started = await startUpstashBridge({ redisUrl: env.REDIS_URL, token, port: env.UPSTASH_BRIDGE_PORT, host: env.UPSTASH_BRIDGE_HOST });
console.log(JSON.stringify({ level: 'info', msg: 'Upstash REST bridge listening', url: started.url, redis: new URL(env.REDIS_URL).host }));
const stop = () => void started.close().finally(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

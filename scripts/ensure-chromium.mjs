#!/usr/bin/env node
// `npm run setup:chromium`: makes sure Debian's `chromium` is there for the headless /docs test
// (test/core/routes/api-reference-browser.test.ts). As root it installs it with apt-get; otherwise
// it prints the command. Not part of `npm ci`: a browser has no place in the service's image.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const log = (line) => console.log(`[ensure-chromium] ${line}`);

if (existsSync(path)) {
  log(`${path} is there`);
} else if (process.getuid?.() !== 0) {
  log(`no ${path}: run sudo apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exitCode = 1;
} else {
  log('installing chromium with apt-get');
  try {
    execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit' });
  } catch {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit' });
  }
}

#!/usr/bin/env node
// Makes sure Prometheus's and Alertmanager's own checkers are here for npm test: promtool (Debian
// package prometheus: `promtool check rules`, `promtool test rules`) and amtool (Debian package
// prometheus-alertmanager: `amtool check-config`). Run by `npm ci` (postinstall) after
// ensure-faiss: as root it installs the missing packages with apt-get, like libfaiss-dev;
// otherwise it prints the command. Without them the tests that need them skip with one line
// (under CI they fail). Never fails the install.
import { execFileSync, spawnSync } from 'node:child_process';

const log = (message) => console.log(`[ensure-monitoring-tools] ${message}`);
const TOOLS = [
  { command: 'promtool', aptPackage: 'prometheus' },
  { command: 'amtool', aptPackage: 'prometheus-alertmanager' },
];

const missing = TOOLS.filter((tool) => spawnSync(tool.command, ['--version'], { stdio: 'ignore' }).status !== 0);
if (missing.length === 0 || process.platform !== 'linux') process.exit(0);
const packages = missing.map((tool) => tool.aptPackage);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  log(`optional, for the alert rule and Alertmanager checks in npm test: sudo apt-get install -y ${packages.join(' ')}`);
  process.exit(0);
}
log(`installing ${packages.join(' ')} with apt-get (promtool and amtool for npm test)`);
try {
  try {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
} catch {
  log(`could not install ${packages.join(' ')}; the tests that need them will skip (or fail under CI)`);
}

#!/usr/bin/env node
// Makes sure faiss-node's native binding loads. Its own install script downloads a
// prebuild from GitHub or clones faiss, neither of which works offline, so we disable it
// (package.json allowScripts) and do this instead:
//   1. if the binding already loads (a previous build, or an upstream prebuild), do nothing;
//   2. else build node_modules/faiss-node/src/faiss.cc with node-gyp against Debian's
//      libfaiss-dev (installing it with apt-get when we are root and it is missing).
// The build patches faiss-node 0.5.1's fromBuffer/toBuffer, which `new` a VectorIOReader/Writer
// and never delete it: every load and every serialisation leaked a full copy of the index (a
// hot swap of a 1M-vector index leaked 1.5 GB). The patched build also skips fromBuffer's extra
// copy of the input. A marker file says the binding in node_modules was built patched.
// Either way it makes sure an optimised BLAS (OpenBLAS) backs libblas.so.3: with Debian's
// reference BLAS, FAISS's k-means (IVF training) and batched searches are ~18x slower.
// No other vector engine is ever substituted.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(join(root, 'package.json'));
const log = (message) => console.log(`[ensure-faiss] ${message}`);

function bindingLoads() {
  try {
    execFileSync(process.execPath, ['-e', "require('faiss-node').IndexFlatIP"], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (!existsSync(join(root, 'node_modules', 'faiss-node', 'package.json'))) {
  log('faiss-node is not installed yet; nothing to do');
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function aptInstall(packages) {
  try {
    execFileSync('apt-get', ['install', '-y', '-q', ...packages], { stdio: 'inherit' });
  } catch {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-q', ...packages], { stdio: 'inherit' });
  }
}

function ensureOpenBlas() {
  const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3';
  if (existsSync(openblas) || process.platform !== 'linux') return;
  if (!isRoot) {
    log('optional: sudo apt-get install -y libopenblas0-pthread (FAISS index training is much faster with it)');
    return;
  }
  log('installing libopenblas0-pthread with apt-get (fast BLAS for FAISS)');
  try {
    aptInstall(['libopenblas0-pthread']);
  } catch {
    log('could not install libopenblas0-pthread; FAISS works with the reference BLAS, only slower');
  }
}

const faissDir = join(root, 'node_modules', 'faiss-node');
const PATCH_MARKER = join(faissDir, '.apfa-io-leak-patch-v1');

/** [upstream text, replacement]: each must match exactly once, or the build stops (a new faiss-node needs a look). */
const SOURCE_PATCHES = [
  [
    `    auto buffer = Napi::Buffer<uint8_t>::Copy(env, info[0].As<Napi::Buffer<uint8_t>>().Data(), info[0].As<Napi::Buffer<uint8_t>>().Length());
    faiss::VectorIOReader *reader = new faiss::VectorIOReader();
    reader->data = std::vector<uint8_t>(buffer.Data(), buffer.Data() + buffer.Length());`,
    `    auto input = info[0].As<Napi::Buffer<uint8_t>>();
    faiss::VectorIOReader readerStorage;
    faiss::VectorIOReader *reader = &readerStorage;
    reader->data.assign(input.Data(), input.Data() + input.Length());`,
  ],
  [
    `    faiss::VectorIOWriter *writer = new faiss::VectorIOWriter();`,
    `    faiss::VectorIOWriter writerStorage;
    faiss::VectorIOWriter *writer = &writerStorage;`,
  ],
];

function patchSource() {
  const file = join(faissDir, 'src', 'faiss.cc');
  let source = readFileSync(file, 'utf8');
  for (const [upstream, replacement] of SOURCE_PATCHES) {
    if (source.includes(replacement)) continue;
    if (source.split(upstream).length !== 2) {
      console.error(`[ensure-faiss] faiss-node's src/faiss.cc no longer matches the leak patch; check the new version before building`);
      process.exit(1);
    }
    source = source.replace(upstream, replacement);
  }
  writeFileSync(file, source);
}

ensureOpenBlas();
if (bindingLoads() && existsSync(PATCH_MARKER)) {
  log('faiss-node binding (patched) loads; nothing to build');
  process.exit(0);
}

const staticLib = '/usr/lib/x86_64-linux-gnu/libfaiss.a';
if (!existsSync(staticLib)) {
  if (!isRoot) {
    console.error(`[ensure-faiss] ${staticLib} is missing. Install Debian's faiss first: sudo apt-get install -y libfaiss-dev`);
    process.exit(1);
  }
  log('installing libfaiss-dev with apt-get');
  aptInstall(['libfaiss-dev']);
}

copyFileSync(join(here, 'faiss', 'binding.gyp'), join(faissDir, 'binding.gyp'));
copyFileSync(join(here, 'faiss', 'compat.h'), join(faissDir, 'compat.h'));
patchSource();
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
// The headers of the Node that runs this: /usr for Debian's or NodeSource's node, /usr/local in the
// official Docker images, a version folder under nvm.
const nodeDir = join(dirname(process.execPath), '..');
// The compiler's ~60 lines of warnings (from faiss's and N-API's headers) go to a log file; the
// terminal gets one summary line, or the log's tail when the build fails.
const buildLog = join(root, 'node_modules', '.cache', 'apfa', 'faiss-build.log');
mkdirSync(dirname(buildLog), { recursive: true });
log('building faiss-node against Debian libfaiss (about 10 s)');
const started = Date.now();
const logFile = openSync(buildLog, 'w');
try {
  execFileSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`], {
    cwd: faissDir,
    stdio: ['ignore', logFile, logFile],
    env: { ...process.env, NODE_ADDON_API_DIR: dirname(require.resolve('node-addon-api/package.json')) },
  });
} catch {
  closeSync(logFile);
  const tail = readFileSync(buildLog, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
  console.error(`${tail}\n[ensure-faiss] building faiss-node failed; the whole build output is in ${buildLog}`);
  process.exit(1);
}
closeSync(logFile);
if (!bindingLoads()) {
  console.error(`[ensure-faiss] built faiss-node but it still does not load (build output: ${buildLog})`);
  process.exit(1);
}
writeFileSync(PATCH_MARKER, 'faiss-node built from src/faiss.cc with the VectorIOReader/Writer leak fix (scripts/ensure-faiss.mjs)\n');
const warnings = (readFileSync(buildLog, 'utf8').match(/\bwarning:/g) ?? []).length;
log(`faiss-node built and loads (${((Date.now() - started) / 1000).toFixed(0)} s, ${warnings} compiler warnings; build output in ${buildLog.slice(root.length + 1)})`);

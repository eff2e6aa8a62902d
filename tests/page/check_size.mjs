// Page size budgets (docs/performance.md), checked by scripts/test after the wasm build. Bytes are
// not noisy, so this is a test: gzip -9 of everything the served page loads <= 400 KiB, and of the
// single-file envelope.html <= 500 KiB (the budgets scripts/bench prints). On failure it says by how
// much and which file grew against tests/page/size_baseline.json (the last accepted sizes;
// `node tests/page/check_size.mjs out/page --update` rewrites it after a deliberate change).
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dir, flag] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node tests/page/check_size.mjs PAGE_DIR [--update]');
  process.exit(2);
}
const baselineFile = join(dirname(fileURLToPath(import.meta.url)), 'size_baseline.json');
const LOADED = ['index.html', 'style.css', 'envelope.js', 'envelope_web.js', 'envelope_web.wasm'];
const SINGLE = 'envelope.html';
const BUDGET = { loaded: 400 * 1024, single: 500 * 1024 };  // bytes, gzip -9

const gz = (f) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
const sizes = Object.fromEntries([...LOADED, SINGLE].map((f) => [f, gz(f)]));
const loaded = LOADED.reduce((a, f) => a + sizes[f], 0);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

if (flag === '--update') {
  writeFileSync(baselineFile, JSON.stringify({ about: 'gzip -9 bytes per page file, last accepted (tests/page/check_size.mjs)', sizes }, null, 1) + '\n');
  console.log(`page size: baseline written (${kib(loaded)} loaded, ${kib(sizes[SINGLE])} single file)`);
  process.exit(0);
}
let baseline = {};
try { baseline = JSON.parse(readFileSync(baselineFile, 'utf8')).sizes || {}; } catch { /* first run: no baseline */ }
const growth = () => Object.entries(sizes)
  .map(([f, b]) => [f, b - (baseline[f] ?? 0)])
  .filter(([, d]) => d > 0)
  .sort((a, b) => b[1] - a[1])
  .map(([f, d]) => `${f} +${kib(d)} (now ${kib(sizes[f])})`)
  .join(', ') || 'no file grew against the baseline';

let ok = true;
const check = (what, bytes, budget) => {
  const over = bytes - budget;
  console.log(`page size: ${what} ${kib(bytes)} gzip, budget ${kib(budget)}: ${over > 0 ? `OVER by ${kib(over)}` : 'OK'}`);
  if (over > 0) { ok = false; console.log(`page size: grown since the baseline: ${growth()}`); }
};
check(`served page (${LOADED.join(' + ')})`, loaded, BUDGET.loaded);
check(`single file ${SINGLE}`, sizes[SINGLE], BUDGET.single);
process.exit(ok ? 0 : 1);

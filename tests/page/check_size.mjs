// Page size budgets (docs/performance.md), checked by scripts/test after the wasm build. Bytes are
// not noisy, so this is a test: the single-file envelope.html must stay <= 500 KiB gzip -9, and no
// page file may grow more than 1 KiB past tests/page/size_baseline.json (the last accepted sizes;
// `node tests/page/check_size.mjs out/page --update` rewrites it after a deliberate change), and the
// served page (everything index.html loads) must stay <= 400 KiB gzip -9, met since the page runs on
// Emscripten's HTML5 API instead of SDL2 (docs/performance.md). No SDL code may come back into the
// page: its glue and wasm are checked for SDL's JS and its strings. On failure it says what grew.
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
const LOADED = ['index.html', 'envelope_web.js', 'envelope_web.wasm'];  // style and glue inline in index.html (round 6)
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

// Growth beyond this over the recorded baseline fails even within budget: a change that needs more
// bytes updates the baseline deliberately (--update) and says why in its commit.
const SLACK = 1024;
const grown = Object.entries(sizes).filter(([f, b]) => b > (baseline[f] ?? 0) + SLACK);
let ok = true;
const check = (what, bytes, budget, hard) => {
  const over = bytes - budget;
  const verdict = over <= 0 ? 'OK' : hard ? `OVER by ${kib(over)}` : `OVER the target by ${kib(over)}`;
  console.log(`page size: ${what} ${kib(bytes)} gzip, budget ${kib(budget)}: ${verdict}`);
  if (over > 0 && hard) ok = false;
};
check(`served page (${LOADED.join(' + ')})`, loaded, BUDGET.loaded, true);
// SDL in the page would show as its JS glue (Module.SDL2, SDL.* library code) or its C strings (hint
// names "SDL_...", its error messages) in the wasm's data.
const sdlTraces = [];
for (const f of ['envelope_web.js', 'envelope_web.wasm']) {
  const text = readFileSync(join(dir, f)).toString('latin1');
  const hits = text.match(/SDL2|SDL_[A-Za-z]+/g) || [];
  if (hits.length) sdlTraces.push(`${f}: ${[...new Set(hits)].slice(0, 5).join(', ')}`);
}
if (sdlTraces.length) {
  ok = false;
  console.log(`page size: SDL is in the page: ${sdlTraces.join('; ')}`);
} else {
  console.log('page size: no SDL in the page (glue and wasm)');
}
// Dear ImGui's embedded ProggyClean font (12 KB of base85) stays out: the page adds its own font, and
// renderer_webgl.cpp builds the atlas without ImFontAtlas::Build(), whose no-font fallback links it
// (Dear ImGui 1.90.1 ignores IMGUI_DISABLE_DEFAULT_FONT). Its data opens with this run of characters.
const proggy = "7])#######hV0qs'/###[),##/l:$#Q6>##5[n42>c-TH`->>#/e>11NNV=Bv(*:.F?uu#(gRU.o0XGH`$vhLG1hxt9?W`#,5LsCp#-i>.r$<$6pD>Lb';9Crc6tgXmKVeU2cD4Eo3R/";
if (readFileSync(join(dir, 'envelope_web.wasm')).toString('latin1').includes(proggy)) {
  ok = false;
  console.log('page size: Dear ImGui\'s ProggyClean font is in the wasm (~10 KiB gzip; see renderer_webgl.cpp upload_fonts)');
} else {
  console.log('page size: no ProggyClean font in the wasm');
}
check(`single file ${SINGLE}`, sizes[SINGLE], BUDGET.single, true);
if (grown.length) {
  ok = false;
  console.log(`page size: grown by more than ${kib(SLACK)} since tests/page/size_baseline.json: ${growth()}`);
} else {
  console.log('page size: no file grew against tests/page/size_baseline.json');
}
process.exit(ok ? 0 : 1);

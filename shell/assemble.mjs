// Assembles the static page from shell/ and the wasm build:
//   OUT/index.html (+ envelope_web.js, envelope_web.wasm): the served page, its style and glue inline;
//   OUT/envelope.html: the same page as one self-contained file (wasm inlined gzip + base64,
//   scripts and style inlined).
// Inline scripts and styles are allowed by their SHA-256 hashes in the Content-Security-Policy (no
// 'unsafe-inline'). The served page carries its style and glue inline since round 6
// (docs/performance.md): as files, the glue ran only after two more requests and the stylesheet
// (scripts wait for it), ~60 ms later on the bench's loads.
// usage: node shell/assemble.mjs BUILD_WEB_DIR OUT_DIR
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [buildDir, outDir] = process.argv.slice(2);
if (!buildDir || !outDir) {
  console.error('usage: node shell/assemble.mjs BUILD_WEB_DIR OUT_DIR');
  process.exit(1);
}
const shell = dirname(fileURLToPath(import.meta.url));
const read = (p) => readFileSync(p, 'utf8');
const template = read(join(shell, 'index.html'));
const css = read(join(shell, 'style.css'));
// The glue ships without its whole-line // comments and blank lines (they document shell/envelope.js
// for its readers; ~2 KiB of the gzipped page). envelope.js has no template literals, so no string
// spans a line that could start with //.
const withoutLineComments = (js) => js.split('\n').filter((l) => !/^\s*\/\//.test(l) && l.trim() !== '').join('\n');
const glueSource = read(join(shell, 'envelope.js'));
if (glueSource.includes('`')) throw new Error('shell/envelope.js has a template literal: withoutLineComments assumes none');
const glue = withoutLineComments(glueSource);
const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
mkdirSync(outDir, { recursive: true });

// Served page: the style and the glue inline (by hash); Emscripten's glue and the wasm are files of
// the page's own origin.
const servedCsp = `default-src 'self'; script-src 'self' ${hash(glue)} 'wasm-unsafe-eval'; style-src ${hash(css)}; ` +
  "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
writeFileSync(join(outDir, 'index.html'), template
  .replace('%CSP%', servedCsp)
  // The wasm is fetched at once, in parallel with envelope_web.js, and the glue compiles it from this
  // response (shell/envelope.js). Same request as the glue's fetch (CORS mode, same-origin
  // credentials), so the preloaded response is used.
  .replace('%STYLE%', () => `<style>${css}</style>\n` +
    '<link rel="preload" href="envelope_web.wasm" as="fetch" type="application/wasm" crossorigin>\n' +
    '<link rel="preload" href="envelope_web.js" as="script">')
  .replace('%SCRIPTS%', () => `<script>${glue}</script>\n<script src="envelope_web.js"></script>`));
for (const old of ['style.css', 'envelope.js']) rmSync(join(outDir, old), { force: true });  // before round 6
copyFileSync(join(buildDir, 'envelope_web.js'), join(outDir, 'envelope_web.js'));
copyFileSync(join(buildDir, 'envelope_web.wasm'), join(outDir, 'envelope_web.wasm'));

// Single file: inline scripts and style, each allowed by hash (no 'unsafe-inline'). The wasm travels
// gzip-compressed and base64-encoded in a non-executable <script type="application/gzip"> element
// (base64 of the gzip stream gzips back to ~0.75x, so the file stays near the served page's size);
// the loader fetches it as a data: URL and compiles it while decompressing (DecompressionStream ->
// instantiateStreaming), so decoding never blocks the page.
const emscripten = read(join(buildDir, 'envelope_web.js')).replace(/<\/script/gi, '<\\/script');
const wasmGz = gzipSync(readFileSync(join(buildDir, 'envelope_web.wasm')), { level: 9 }).toString('base64');
const loader = read(join(shell, 'single-file-loader.js'));
const singleCsp = `default-src 'none'; script-src ${hash(glue)} ${hash(loader)} ${hash(emscripten)} 'wasm-unsafe-eval'; ` +
  `style-src ${hash(css)}; img-src data: blob:; connect-src data:; object-src 'none'; base-uri 'none'; form-action 'none'`;
writeFileSync(join(outDir, 'envelope.html'), template
  .replace('%CSP%', singleCsp)
  .replace('%STYLE%', () => `<style>${css}</style>`)
  .replace('%SCRIPTS%', () => `<script type="application/gzip" id="envelope-wasm-gz">${wasmGz}</script>\n` +
    `<script>${glue}</script>\n<script>${loader}</script>\n<script>${emscripten}</script>`));
console.log(`page assembled in ${outDir} (index.html, envelope.html)`);

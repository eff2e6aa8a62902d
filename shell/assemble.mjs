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
import { minify } from 'terser';  // shell/package.json, installed by scripts/setup (npm ci)
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
// Scripts ship minified by terser: comments and whitespace out, local names shortened, top-level
// names and every property (Module's, window.envelope's API, the wasm's imports) kept as written
// (toplevel: false; properties are never mangled). Emscripten 3.1.6 at -Oz only strips whitespace
// from its glue: terser takes 2 KiB off the gzipped page (docs/performance.md, round 25).
const minified = async (js, what) => {
  const out = await minify(js, { compress: true, mangle: true, toplevel: false, ecma: 2017 });
  if (!out.code) throw new Error(`terser returned nothing for ${what}`);
  return out.code;
};
const glue = await minified(read(join(shell, 'envelope.js')), 'shell/envelope.js');
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
const emscriptenGlue = await minified(read(join(buildDir, 'envelope_web.js')), 'envelope_web.js');
writeFileSync(join(outDir, 'envelope_web.js'), emscriptenGlue);
copyFileSync(join(buildDir, 'envelope_web.wasm'), join(outDir, 'envelope_web.wasm'));

// Single file: inline scripts and style, each allowed by hash (no 'unsafe-inline'). The wasm travels
// gzip-compressed and base64-encoded in a non-executable <script type="application/gzip"> element
// (base64 of the gzip stream gzips back to ~0.75x, so the file stays near the served page's size);
// the loader fetches it as a data: URL and compiles it while decompressing (DecompressionStream ->
// instantiateStreaming), so decoding never blocks the page.
const emscripten = emscriptenGlue.replace(/<\/script/gi, '<\\/script');
const wasmGz = gzipSync(readFileSync(join(buildDir, 'envelope_web.wasm')), { level: 9 }).toString('base64');
const loader = await minified(read(join(shell, 'single-file-loader.js')), 'shell/single-file-loader.js');
const singleCsp = `default-src 'none'; script-src ${hash(glue)} ${hash(loader)} ${hash(emscripten)} 'wasm-unsafe-eval'; ` +
  `style-src ${hash(css)}; img-src data: blob:; connect-src data:; object-src 'none'; base-uri 'none'; form-action 'none'`;
writeFileSync(join(outDir, 'envelope.html'), template
  .replace('%CSP%', singleCsp)
  .replace('%STYLE%', () => `<style>${css}</style>`)
  .replace('%SCRIPTS%', () => `<script type="application/gzip" id="envelope-wasm-gz">${wasmGz}</script>\n` +
    `<script>${glue}</script>\n<script>${loader}</script>\n<script>${emscripten}</script>`));
console.log(`page assembled in ${outDir} (index.html, envelope.html)`);

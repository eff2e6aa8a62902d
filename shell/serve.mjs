// A static file server for the page, bound to 127.0.0.1 only. Used by scripts/serve and the browser
// tests. usage: node shell/serve.mjs DIR [PORT]   (PORT 0: any free port; prints the address)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.ttf': 'font/ttf', '.md': 'text/markdown; charset=utf-8',
};

// No other site may frame the page (clickjacking): frame-ancestors takes effect only as a header, and
// X-Frame-Options covers browsers without CSP level 2. shell/envelope.js also refuses to run in a frame.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff',
};

// Compressed as static hosts send it (GitHub Pages and most CDNs gzip text and wasm): what a visitor
// downloads is what tests/page/check_size.mjs budgets, and scripts/bench's throttled load measures.
// Each file is compressed once per modification.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.md']);
const gzipped = new Map();  // file -> { mtimeMs, body }
async function gzipOf(file, body) {
  const { mtimeMs } = await stat(file);
  const hit = gzipped.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.body;
  const gz = gzipSync(body, { level: 9 });
  gzipped.set(file, { mtimeMs, body: gz });
  return gz;
}

export function serve(dir, port = 0) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
      if (file !== root && !file.startsWith(root + sep)) throw new Error('outside root');
      let body = await readFile(file);
      const headers = { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
      if (COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        body = await gzipOf(file, body);
        headers['Content-Encoding'] = 'gzip';
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] && process.argv[1].endsWith('serve.mjs')) {
  const [dir = 'out/page', port = '8080'] = process.argv.slice(2);
  serve(dir, Number(port)).then((server) => {
    console.log(`Envelope is served at http://127.0.0.1:${server.address().port}/`);
  });
}

// Browser tests: the built page in Debian's headless Chromium, driven by playwright-core (no browser
// download). usage: ENVELOPE_CLI=build/native/cli/envelope node tests/browser/run.mjs out/page
// Prints one line per test and ends with "browser: N passed, M failed".
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../shell/serve.mjs';

const pageDir = resolve(process.argv[2] || 'out/page');
const cli = process.env.ENVELOPE_CLI || resolve('build/native/cli/envelope');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic'];
const GL_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function assert(cond, message) { if (!cond) throw new Error(message); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const runCli = (...args) => execFileSync(cli, args, { encoding: 'utf8' });
const exampleIds = runCli('catalog', 'examples').trim().split('\n').map((l) => l.split(/\s+/)[0]);
const scenarioOf = (id) => decodeURIComponent(runCli('link', '--example', id).trim().slice(3));

let browser, server, origin;

// Opens the page and records console errors and requests that leave the page's own files.
async function open(context, url = origin) {
  const page = await context.newPage();
  const errors = [], foreign = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(origin) || u.startsWith('file://') || u.startsWith('data:') || u.startsWith('blob:'))) foreign.push(u);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.envelope && window.envelope.ready, null, { timeout: 60000 });
  await sleep(300);
  return { page, errors, foreign };
}

// Pixel statistics of a PNG, decoded in a blank page (no image library needed).
async function pixelVariance(png) {
  const page = await browser.newPage();
  const v = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let sum = 0, sum2 = 0, n = 0;
    for (let i = 0; i < d.length; i += 16) { const y = (d[i] + d[i + 1] + d[i + 2]) / 3; sum += y; sum2 += y * y; n++; }
    const mean = sum / n;
    return { variance: sum2 / n - mean * mean, width: img.width };
  }, png.toString('base64'));
  await page.close();
  return v;
}

const ctx = (options = {}) => browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });

test('page loads with panels drawn, no console errors, no request outside its own files', async () => {
  const context = await ctx();
  const { page, errors, foreign } = await open(context);
  await sleep(500);
  const shot = await page.screenshot({ path: resolve('build/page-screenshot.png') });
  const { variance } = await pixelVariance(shot);
  assert(variance > 200, `screenshot looks blank (variance ${variance.toFixed(1)})`);
  assert(errors.length === 0, 'console errors: ' + errors.join(' | '));
  assert(foreign.length === 0, 'requests outside the page: ' + foreign.join(' '));
  const mirror = await page.textContent('#mirror-text');
  for (const path of ['memory.inference.weights_bytes', 'training.flops', 'inference.tokens_per_second', 'serving.gpus',
    'storage.stored_bytes', 'cost.monthly_usd']) assert(mirror.includes(path + ':'), `text mirror lacks ${path}`);
  await context.close();
});

test('crisp on HiDPI: canvas backing store = CSS size x devicePixelRatio (2), and not blank', async () => {
  const context = await ctx({ deviceScaleFactor: 2 });
  const { page, errors } = await open(context);
  await sleep(500);
  const dims = await page.evaluate(() => {
    const c = document.getElementById('canvas');
    return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight };
  });
  assert(dims.w === dims.cw * 2 && dims.h === dims.ch * 2, 'backing store ' + JSON.stringify(dims));
  const { variance, width } = await pixelVariance(await page.screenshot());
  assert(width === 2800, `screenshot width ${width}`);
  assert(variance > 200, `blank at DPR 2 (variance ${variance.toFixed(1)})`);
  assert(errors.length === 0, errors.join(' | '));
  await context.close();
});

test('resizing the window resizes the canvas backing store', async () => {
  const context = await ctx();
  const { page } = await open(context);
  await page.setViewportSize({ width: 1000, height: 700 });
  await sleep(400);
  const w = await page.evaluate(() => document.getElementById('canvas').width);
  assert(w === 1000, `canvas width ${w} after resize to 1000`);
  await context.close();
});

test('getReport() equals the CLI JSON, and the text mirror the CLI text, for every seed example', async () => {
  const context = await ctx();
  const { page, errors } = await open(context);
  for (const id of exampleIds) {
    const res = await page.evaluate((s) => window.envelope.setScenario(s), scenarioOf(id));
    assert(res.ok && res.problems.length === 0, `${id}: setScenario ${JSON.stringify(res)}`);
    const fromPage = await page.evaluate(() => window.envelope.getReport());
    const fromCli = JSON.parse(runCli('eval', '--example', id, '--format', 'json'));
    const walk = (a, b, path) => {
      if (a && typeof a === 'object' && 'value' in a) {
        assert(b && typeof b.value === 'number', `${id}: ${path} missing in the page report`);
        const tol = 1e-9 * Math.max(1, Math.abs(a.value));
        assert(Math.abs(a.value - b.value) <= tol, `${id}: ${path} CLI ${a.value} page ${b.value}`);
        assert(a.unit === b.unit, `${id}: ${path} unit ${a.unit} vs ${b.unit}`);
        return;
      }
      if (Array.isArray(a)) { assert(JSON.stringify(a) === JSON.stringify(b), `${id}: ${path} differs`); return; }
      for (const k of Object.keys(a)) walk(a[k], b && b[k], path ? path + '.' + k : k);
    };
    walk(fromCli, fromPage, '');
    const mirror = await page.textContent('#mirror-text');
    const cliText = runCli('eval', '--example', id);
    assert(mirror === cliText, `${id}: text mirror differs from the CLI text`);
  }
  assert(errors.length === 0, errors.join(' | '));
  await context.close();
});

test("seed examples' key numbers appear in the text mirror", async () => {
  const context = await ctx();
  const { page } = await open(context);
  const expectations = {
    'seed-q1': ['training.cost_usd: $53.4 k', 'training.flops: 12 ZFLOP'],
    'seed-q5': ['training.wall_seconds: 213 days', 'training.cost_usd: $2.62 M', 'training.budget_ratio: 5.24'],
    'seed-fraud': ['traffic.peak_qps: 1.74 k req/s', 'traffic.average_qps: 347 req/s'],
    'seed-llm-serving': ['traffic.average_qps: 1.74 req/s', 'serving.gpus: 5'],
    'seed-7b-training': ['training.pf_days: 486 PF-days'],
    'seed-feature-store': ['feature_store.total_bytes: 2.59 TB'],
    'seed-q4': ['storage.monthly_cost_usd: $168/month'],
  };
  for (const [id, needles] of Object.entries(expectations)) {
    await page.evaluate((s) => window.envelope.setScenario(s), scenarioOf(id));
    const mirror = await page.textContent('#mirror-text');
    for (const n of needles) assert(mirror.includes(n), `${id}: text mirror lacks "${n}"`);
    // Readable numbers: never scientific notation in the text a person reads.
    assert(!/\de\+\d/.test(mirror), `${id}: text mirror has scientific notation: ${(mirror.match(/.*\de\+\d.*/) || [''])[0]}`);
  }
  await context.close();
});

test('edit on the canvas (click + keys) changes the report and the URL; reload keeps it', async () => {
  const context = await ctx();
  const { page, errors } = await open(context);
  const before = await page.evaluate(() => window.envelope.getScenario().inference.batch);
  // The Memory window opens at column 2 (x 462-912 at this viewport); its "batch" field is the third
  // row (y ~141). Click into it, select all, type 8, Enter: a real click and key presses on the canvas.
  await page.mouse.click(700, 141);
  await sleep(200);
  await page.keyboard.press('Control+a');
  await page.keyboard.type('8');
  await page.keyboard.press('Enter');
  await sleep(400);
  const after = await page.evaluate(() => window.envelope.getScenario().inference.batch);
  assert(before === 1 && after === 8, `batch ${before} -> ${after}`);
  const hash = await page.evaluate(() => window.location.hash);
  assert(decodeURIComponent(hash).includes('"batch":8'), 'fragment not updated: ' + hash);
  const kv = await page.evaluate(() => window.envelope.getReport().memory.inference.kv_cache_bytes.value);
  await page.reload();
  await page.waitForFunction(() => window.envelope && window.envelope.ready);
  const again = await page.evaluate(() => window.envelope.getScenario().inference.batch);
  assert(again === 8, `after reload batch ${again}`);
  const kv2 = await page.evaluate(() => window.envelope.getReport().memory.inference.kv_cache_bytes.value);
  assert(kv === kv2, 'report differs after reload');
  assert(errors.length === 0, errors.join(' | '));
  await context.close();
});

test('reload without a fragment restores the autosaved scenario', async () => {
  const context = await ctx();
  const { page } = await open(context);
  await page.evaluate(() => window.envelope.setScenario({ version: 1, hardware: { count: 12 } }));
  await page.goto(origin);  // no fragment
  await page.waitForFunction(() => window.envelope && window.envelope.ready);
  const count = await page.evaluate(() => window.envelope.getScenario().hardware.count);
  assert(count === 12, `count ${count}`);
  await context.close();
});

test('a broken link shows a message, keeps the previous scenario, and the page stays usable', async () => {
  const context = await ctx();
  const { page } = await open(context);
  await page.evaluate(() => window.envelope.setScenario({ version: 1, inference: { batch: 24 } }));
  await page.evaluate(() => { window.location.hash = '#s=%7Bbroken'; });
  await sleep(300);
  const message = await page.textContent('#message');
  assert(/not valid JSON/.test(message) && /previous scenario is kept/.test(message), 'message: ' + message);
  assert((await page.evaluate(() => window.envelope.getScenario().inference.batch)) === 24, 'scenario not kept');
  const frames = await page.evaluate(() => window.envelope.framesDrawn());
  await page.mouse.move(300, 300);
  await page.mouse.move(320, 310);
  await sleep(300);
  assert((await page.evaluate(() => window.envelope.framesDrawn())) > frames, 'page does not redraw after input');
  // A link with bad fields loads the rest and lists each problem.
  const res = await page.evaluate(() => window.envelope.setScenario('{"inference":{"batch":-1,"output_tokens":42},"bogus":1}'));
  assert(res.ok && res.problems.length === 2, JSON.stringify(res));
  assert((await page.evaluate(() => window.envelope.getScenario().inference.output_tokens)) === 42, 'good field not loaded');
  const bad = await page.evaluate(() => window.envelope.setScenario('not json'));
  assert(!bad.ok && /not valid JSON/.test(bad.error), JSON.stringify(bad));
  await context.close();
});

test('idle: no frames drawn when nothing changes', async () => {
  const context = await ctx();
  const { page } = await open(context);
  await sleep(2000);
  const a = await page.evaluate(() => window.envelope.framesDrawn());
  await sleep(3000);
  const b = await page.evaluate(() => window.envelope.framesDrawn());
  assert(b - a <= 3, `${b - a} frames drawn in 3 s of idle`);
  await context.close();
});

test('envelope.html opened from file:// works offline as one file', async () => {
  const context = await ctx();
  const { page, errors, foreign } = await open(context, pathToFileURL(resolve(pageDir, 'envelope.html')).href);
  const report = await page.evaluate(() => window.envelope.getReport());
  assert(report.model.params.value > 1e9, 'no report');
  assert(errors.length === 0, 'console errors: ' + errors.join(' | '));
  assert(foreign.length === 0, 'requests: ' + foreign.join(' '));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.reload();
  await page.waitForFunction(() => window.envelope && window.envelope.ready);
  assert(requests.every((u) => u.startsWith('file://') || u.startsWith('data:')), 'loads other files: ' + requests.join(' '));
  await context.close();
});

test('a readable message when WebGL2 is unavailable', async () => {
  const noGl = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--disable-gpu', '--disable-webgl', '--disable-webgl2'] });
  const page = await noGl.newPage();
  await page.goto(origin);
  await sleep(1500);
  const status = await page.textContent('#status');
  await noGl.close();
  assert(/needs WebGL2/.test(status), 'status: ' + status);
});

server = await serve(pageDir);
origin = `http://127.0.0.1:${server.address().port}/`;
browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...GL_ARGS] });
let passed = 0, failed = 0;
for (const t of tests) {
  const started = Date.now();
  try {
    await Promise.race([t.fn(), sleep(120000).then(() => { throw new Error('timed out after 120 s'); })]);
    passed++;
    console.log(`ok - ${t.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${t.name}\n    ${e.message}`);
  }
}
await browser.close();
server.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

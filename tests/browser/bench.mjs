// Page figures for scripts/bench: time to first drawn frame (10 loads), frames drawn while idle and
// under continuous input, a 10,000-point sweep in the browser, and peak wasm memory.
// Prints "name value unit" lines.
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../shell/serve.mjs';

const dir = resolve(process.argv[2] || 'out/page');
const server = await serve(dir);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = (name, value, unit) => console.log(`${name} ${typeof value === 'number' ? +value.toFixed(3) : value} ${unit}`);

// Time to first drawn frame, from navigation start (performance.now() origin), over 10 fresh loads.
const firstFrame = [];
for (let i = 0; i < 10; i++) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const poll = () => {
      if (window.envelope && window.envelope.ready && window.envelope.framesDrawn() >= 1) window.__firstFrameMs = performance.now();
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__firstFrameMs !== undefined, null, { timeout: 60000 });
  firstFrame.push(await page.evaluate(() => window.__firstFrameMs));
  await context.close();
}
firstFrame.sort((a, b) => a - b);
out('first_frame_ms.median', firstFrame[5], 'ms');
out('first_frame_ms.max', firstFrame[9], 'ms');

const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
await page.goto(url);
await page.waitForFunction(() => window.envelope && window.envelope.ready);
await sleep(2000);  // let the post-load frames finish
let a = await page.evaluate(() => window.envelope.framesDrawn());
await sleep(10000);
let b = await page.evaluate(() => window.envelope.framesDrawn());
out('idle_frames_10s', b - a, 'frames');
out('idle_fps', (b - a) / 10, 'fps');
a = b;
const t0 = Date.now();
for (let i = 0; Date.now() - t0 < 5000; i++) {
  await page.mouse.move(200 + (i % 400), 200 + (i % 300));
  await sleep(16);
}
b = await page.evaluate(() => window.envelope.framesDrawn());
out('input_frames_5s', b - a, 'frames');
const sweeps = [];
for (let i = 0; i < 10; i++) sweeps.push(await page.evaluate(() => Module.ccall('envelope_bench_sweep', 'number', ['number'], [10000])));
sweeps.sort((x, y) => x - y);
out('browser_sweep_10000_ms.median', sweeps[5], 'ms');
out('wasm_memory_peak_bytes', await page.evaluate(() => Module.HEAP8.length), 'B');
await browser.close();
server.close();

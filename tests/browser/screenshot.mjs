// Writes a screenshot of the page, optionally at a scenario link fragment (used by scripts/screenshot).
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../shell/serve.mjs';

const [dir = 'out/page', out = 'docs/screenshot.png', fragment = ''] = process.argv.slice(2);
const server = await serve(dir);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(`http://127.0.0.1:${server.address().port}/${fragment}`);
await page.waitForFunction(() => window.envelope && window.envelope.ready);
await page.waitForTimeout(1500);
await page.screenshot({ path: resolve(out) });
await browser.close();
server.close();
console.log(`wrote ${out}`);

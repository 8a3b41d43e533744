// What the browser downloads on a first page load, measured in Chromium: every WASM, JS and CSS
// file the page fetched before it was live (hydrated), each at its gzip -9 size.
//
//   node first-load.mjs <base URL> <curl cookie jar or -> <path>...
//
// Each path loads in a fresh browser context (empty cache), with the jar's cookies when given.
// Prints one line per path and exits 1 when any page did not hydrate. With FIRST_LOAD_FILES=1
// it also lists each file, largest first, to see what a page's size is made of.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const [base, jar, ...paths] = process.argv.slice(2);
if (!base || !jar || paths.length === 0) {
  console.error('usage: node first-load.mjs <base URL> <cookie jar or -> <path>...');
  process.exit(2);
}

// curl's jar: tab-separated, `#HttpOnly_` before the domain of HttpOnly cookies.
function cookiesOf(file) {
  if (file === '-') return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.split('\t').length === 7)
    .map((line) => {
      const [domain, , path, secure, , name, value] = line.split('\t');
      return {
        name,
        value,
        domain: domain.replace(/^#HttpOnly_/, ''),
        path,
        secure: secure === 'TRUE',
        httpOnly: domain.startsWith('#HttpOnly_'),
      };
    });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
let failed = false;
for (const path of paths) {
  const context = await browser.newContext();
  await context.addCookies(cookiesOf(jar));
  const page = await context.newPage();
  const assets = [];
  page.on('response', async (response) => {
    const type = new URL(response.url()).pathname.match(/\.(wasm|js|css)$/)?.[1];
    if (!type) return;
    const file = new URL(response.url()).pathname.split('/').pop();
    assets.push(response.body().then((body) => ({ file, type, gzip: gzipSync(body, { level: 9 }).length })));
  });
  await page.goto(new URL(path, base).toString());
  const live = await page
    .waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 20_000 })
    .then(() => true, () => false);
  const sizes = await Promise.all(assets);
  const total = (type) => sizes.filter((s) => !type || s.type === type).reduce((sum, s) => sum + s.gzip, 0);
  failed ||= !live;
  console.log(
    `  ${path.padEnd(48)} ${String(sizes.length).padStart(3)} files ${String(total()).padStart(9)} B` +
      ` (wasm ${total('wasm')}, js ${total('js')}, css ${total('css')})${live ? '' : ' NOT HYDRATED'}`,
  );
  if (process.env.FIRST_LOAD_FILES === '1') {
    for (const { file, gzip } of [...sizes].sort((a, b) => b.gzip - a.gzip)) {
      console.log(`      ${String(gzip).padStart(9)} B  ${file}`);
    }
  }
  await context.close();
}
await browser.close();
process.exit(failed ? 1 : 0);

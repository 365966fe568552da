import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const logs = [];
page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
const base = 'http://127.0.0.1:3999';
for (const [name, path, wait] of JSON.parse(process.argv[2])) {
  await page.goto(base + path);
  await page.waitForTimeout(wait);
  await page.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: true });
}
console.log(logs.join('\n'));
await browser.close();

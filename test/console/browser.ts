/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startShardflow, type Shardflow } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ShardflowApi } from '../support/shardflow-api';

const ROOT = join(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** `SHARDFLOW_SCREENSHOTS=1 npm test` rewrites the screenshots under docs/; normal runs leave them. */
const SCREENSHOTS = process.env.SHARDFLOW_SCREENSHOTS === '1';

/** What one browser page saw that it should not have. */
export interface PageProblems {
  /** Requests to anywhere but the app itself (refused). */
  outside: string[];
  errors: string[];
}

export interface ConsoleHarness {
  shardflow: Shardflow;
  db: TestDatabase;
  api: ShardflowApi;
  url: string;
  browser: Browser;
  /** A new tab (its own context: own sessionStorage) at the given size. */
  open(viewport?: {
    width: number;
    height: number;
  }): Promise<{ page: Page; context: BrowserContext; problems: PageProblems }>;
  close(): Promise<void>;
}

/**
 * The real app in this process (every role, real PostgreSQL, the in-process bus) and real
 * headless Chromium, as the issue asks: Debian's chromium driven by playwright-core.
 */
export async function startConsole(
  env: Record<string, string> = {},
  roles?: Array<'api' | 'planner' | 'worker'>,
): Promise<ConsoleHarness> {
  // Test files run in parallel: the script builds the console at most once, behind a lock.
  execFileSync(process.execPath, [join(ROOT, 'libs', 'console', 'build-if-needed.mjs')], { stdio: 'inherit' });
  const db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', ...env }, []);
  const shardflow = await startShardflow(roles ? { ...config, roles } : config, { logger: false });
  const url = shardflow.httpUrl!;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const contexts: BrowserContext[] = [];
  return {
    shardflow,
    db,
    url,
    browser,
    api: new ShardflowApi(url, env.SHARDFLOW_API_TOKEN),
    async open(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport, baseURL: url });
      contexts.push(context);
      const problems: PageProblems = { outside: [], errors: [] };
      // Everything must come from the app: anything else is recorded and refused.
      await context.route(
        (u) => !u.href.startsWith(url) && !['data:', 'blob:'].includes(u.protocol),
        (route) => {
          problems.outside.push(route.request().url());
          return route.abort();
        },
      );
      const page = await context.newPage();
      page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        // A refused GraphQL operation answers 400/401, which Chromium logs; the console handles those.
        if (msg.type() === 'error' && !/Failed to load resource.*40[014]/.test(msg.text())) {
          problems.errors.push(`console: ${msg.text()}`);
        }
      });
      return { page, context, problems };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await shardflow.close();
      await db.drop();
    },
  };
}

/** Saves docs/<name>.png when SHARDFLOW_SCREENSHOTS=1. */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; selector?: string } = {},
): Promise<void> {
  if (!SCREENSHOTS) return;
  const dir = join(ROOT, 'docs');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if (options.selector) await page.locator(options.selector).first().screenshot({ path });
  else await page.screenshot({ path, fullPage: options.fullPage ?? false });
}

/** Whether the page scrolls sideways (it must not; wide things scroll in their own box). */
export function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Replaces the CodeMirror editor's text as a person would paste it (one input event:
 * no auto-closing brackets or auto-indent get in the way).
 */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  const content = page.locator('[data-testid="job-editor"] .cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

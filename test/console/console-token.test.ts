/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/**
 * The console when the API has a token (SHARDFLOW_API_TOKEN): it asks once, keeps the token
 * for the tab, asks again when one is refused, and its live view (a graphql-ws connection,
 * which cannot carry headers) gets it through connectionParams.
 */
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleHarness } from './browser';

const TOKEN = 'console-s3cret';
let app: ConsoleHarness;

beforeAll(async () => {
  // The api alone: runs stay QUEUED until the test plays the planner with SQL and NOTIFY.
  app = await startConsole({ SHARDFLOW_API_TOKEN: TOKEN }, ['api']);
  await app.api.createJob({ name: 'guarded', steps: [{ key: 'only', handler: 'noop' }] });
});

afterAll(async () => {
  await app?.close();
});

describe('a console behind a token', () => {
  it('asks for the token, again when it is wrong, then keeps it for the tab', async () => {
    const { page, context, problems } = await app.open();
    await page.goto('/');
    const input = page.getByTestId('token-input');
    await input.waitFor();
    await input.fill('wrong');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByText('That token was refused.').waitFor();
    await input.fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('[data-job="guarded"]').waitFor();

    await page.reload();
    await page.locator('[data-job="guarded"]').waitFor();
    expect(await page.getByTestId('token-input').count()).toBe(0);
    // A new tab is a new session: it asks again.
    const other = await context.newPage();
    await other.goto('/');
    await other.getByTestId('token-input').waitFor();
    await other.close();
    expect(problems.outside).toEqual([]);
    await context.close();
  });

  it('follows a run live over the subscription with the token', async () => {
    const { page, context } = await app.open();
    const id = await app.api.trigger('guarded');
    await page.goto(`/runs/${id}`);
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('[data-testid="run-status"] [data-status="QUEUED"]').waitFor();
    await page.locator('[data-testid="live-state"]', { hasText: 'Live' }).waitFor();

    const planner = new Client({ connectionString: app.db.url });
    await planner.connect();
    try {
      await planner.query(`UPDATE runs SET status = 'RUNNING', started_at = now() WHERE id = $1`, [id]);
      await planner.query(`SELECT pg_notify('shardflow_runs', $1)`, [id]);
    } finally {
      await planner.end();
    }
    await page.locator('[data-testid="run-status"] [data-status="RUNNING"]').waitFor();
    await context.close();
  });
});

/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/**
 * Schedules from the console: pause and resume (the next fire goes and comes back), backfill a
 * window (the runs appear in the grid live), edit (a new version), delete with confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleHarness } from './browser';

let app: ConsoleHarness;

beforeAll(async () => {
  app = await startConsole();
  await app.api.createJob({
    name: 'hourly',
    description: 'Every hour on the hour',
    schedule: '0 * * * *',
    steps: [{ key: 'tick', handler: 'noop' }],
  });
});

afterAll(async () => {
  await app?.close();
});

describe('a scheduled job in the console', () => {
  it('pauses and resumes from the jobs list', async () => {
    const { page, context, problems } = await app.open();
    await page.goto('/');
    const row = page.locator('[data-job="hourly"]');
    await row.getByText('Scheduled').waitFor();
    expect(await row.textContent()).toMatch(/in \d+ (min|s)/);

    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('Paused').waitFor();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    const paused = await app.api.request<{ job: { paused: boolean; nextFireAt: string | null } }>(
      '{ job(name: "hourly") { paused nextFireAt } }',
    );
    expect(paused.job).toEqual({ paused: true, nextFireAt: null });

    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('Scheduled').waitFor();
    const resumed = await app.api.request<{ job: { paused: boolean; nextFireAt: string | null } }>(
      '{ job(name: "hourly") { paused nextFireAt } }',
    );
    expect(resumed.job.paused).toBe(false);
    expect(Date.parse(resumed.job.nextFireAt!)).toBeGreaterThan(Date.now());
    expect(problems).toEqual({ outside: [], errors: [] });
    await context.close();
  });

  it('pauses and resumes from the job page too', async () => {
    const { page, context } = await app.open();
    await page.goto('/jobs/hourly');
    await page.getByTestId('job-state').getByText('Active').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('job-state').getByText('Paused').waitFor();
    expect(await page.getByTestId('next-fire').textContent()).toBe('Paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('job-state').getByText('Active').waitFor();
    expect(await page.getByTestId('next-fire').textContent()).toMatch(/^in \d+/);
    await context.close();
  });

  it('backfills a window, and the runs appear in the grid without a reload', async () => {
    const { page, context } = await app.open();
    await page.goto('/jobs/hourly');
    await page.getByText('No runs yet.').first().waitFor();
    await page.getByRole('button', { name: 'Backfill' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('From (UTC)').fill('2026-01-01T00:30');
    await dialog.getByLabel('To (UTC)').fill('2026-01-01T03:30');
    await dialog.getByRole('button', { name: 'Make runs' }).click();
    await page.getByText('Backfill of hourly made 3 runs.').waitFor();
    await page.getByTestId('run-grid').waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('.run-grid__cell.status--succeeded').length === 3,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const { runs } = await app.api.request<{ runs: Array<{ trigger: string; scheduledAt: string }> }>(
      '{ runs(jobName: "hourly") { trigger scheduledAt } }',
    );
    expect(runs.map((r) => [r.trigger, r.scheduledAt]).sort()).toEqual([
      ['BACKFILL', '2026-01-01T01:00:00.000Z'],
      ['BACKFILL', '2026-01-01T02:00:00.000Z'],
      ['BACKFILL', '2026-01-01T03:00:00.000Z'],
    ]);
    // Statistics are read again once the runs have ended.
    await page.getByTestId('job-stats').getByText('100%').waitFor();
    await context.close();
  });

  it('edits the job into a new version', async () => {
    const { page, context } = await app.open();
    await page.goto('/jobs/hourly');
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL('**/jobs/hourly/edit');
    await page.locator('.cm-content', { hasText: 'Every hour on the hour' }).waitFor();
    await page.locator('.cm-line', { hasText: 'description' }).click();
    await page.keyboard.press('End');
    await page.keyboard.insertText(', edited');
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.waitForURL('**/jobs/hourly');
    await page.getByText('Every hour on the hour, edited').waitFor();
    expect(await page.locator('h1').textContent()).toContain('v2');
    await context.close();
  });

  it('deletes the job only once confirmed', async () => {
    const { page, context } = await app.open();
    await page.goto('/jobs/hourly');
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await app.api.request<{ job: unknown }>('{ job(name: "hourly") { name } }')).job).not.toBeNull();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete job' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByText('No jobs yet.').waitFor();
    expect((await app.api.request<{ job: unknown }>('{ job(name: "hourly") { name } }')).job).toBeNull();
    await context.close();
  });
});

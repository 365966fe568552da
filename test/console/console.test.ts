/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/**
 * The web console in real headless Chromium against the real app (every role in this
 * process, real PostgreSQL, the in-process bus): author a job (a refused one shows its error
 * by the field), trigger it, watch the run turn green live, open the Gantt, cancel a long run,
 * see the workers; deep links, the phone width, the keyboard, the explorer, no outside request.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/wait';
import {
  pageOverflow,
  replaceEditorText,
  screenshot,
  startConsole,
  type ConsoleHarness,
  type PageProblems,
} from './browser';

let app: ConsoleHarness;
let page: Page;
let problems: PageProblems;
/** Every message the page's graphql-ws connection received. */
const wsFrames: string[] = [];

beforeAll(async () => {
  app = await startConsole({ SHARDFLOW_WORKER_TIMEOUT_MS: '4000' });
  ({ page, problems } = await app.open());
  page.on('websocket', (ws) => ws.on('framereceived', (f) => wsFrames.push(String(f.payload))));
});

afterAll(async () => {
  await app?.close();
});

/** Every DAG node of the run page, as `{ key: status }`. */
async function dagStatuses(p: Page): Promise<Record<string, string | null>> {
  return p.$$eval('[data-testid="dag"] [data-step]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.getAttribute('data-step'), n.getAttribute('data-status')])),
  );
}

const GOOD_JOB = `name: console-demo
description: Made in the console
params:
  day: today
steps:
  - key: extract
    handler: sleep
    params: { ms: 1200 }
    shards: 4
    shardParams: [north, south, east, west]
  - key: load
    handler: noop
    dependsOn: [extract]
`;

describe('authoring', () => {
  it('shows the jobs list and opens the editor from it', async () => {
    await page.goto('/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Jobs');
    await page.getByRole('link', { name: 'New job' }).click();
    await page.waitForURL('**/jobs/new');
    await page.locator('[data-testid="job-editor"] .cm-content').waitFor();
  });

  it('shows a refused job’s error under the field it names, and stores nothing', async () => {
    await replaceEditorText(page, GOOD_JOB.replace('dependsOn: [extract]', 'dependsOn: [lod]'));
    await page.getByTestId('save-job').click();
    const inline = page.locator('.cm-field-error[data-field="steps[1].dependsOn"]');
    await inline.waitFor();
    expect(await inline.textContent()).toContain('unknown step "lod"');
    // The message sits right under the line that holds the field.
    const line = await inline.evaluate((el) => el.previousElementSibling?.textContent ?? '');
    expect(line).toContain('dependsOn: [lod]');
    expect(await page.getByTestId('editor-problems').textContent()).toMatch(
      /line 13.*steps\[1\]\.dependsOn.*unknown step "lod"/,
    );
    expect(page.url()).toMatch(/\/jobs\/new$/);
    expect(await app.api.request('{ job(name: "console-demo") { name } }')).toEqual({ job: null });
  });

  it('places GraphQL type errors on their field too (JSON this time)', async () => {
    await page.getByRole('radio', { name: 'JSON' }).click();
    await expect.poll(() => page.locator('.cm-content').textContent()).toContain('"name": "console-demo"');
    await replaceEditorText(
      page,
      JSON.stringify({ name: 'console-demo', steps: [{ key: 'a', handler: 'noop', shards: 'many' }] }, null, 2),
    );
    await page.getByTestId('save-job').click();
    const inline = page.locator('.cm-field-error[data-field="steps[0].shards"]');
    await inline.waitFor();
    expect(await inline.evaluate((el) => el.previousElementSibling?.textContent ?? '')).toContain('"shards": "many"');
    await page.getByRole('radio', { name: 'YAML' }).click();
  });

  it('creates the job once it is right, and opens its page with the DAG', async () => {
    await replaceEditorText(page, GOOD_JOB);
    await page.getByTestId('save-job').click();
    await page.waitForURL('**/jobs/console-demo');
    await page.locator('[data-testid="dag"] [data-step="load"]').waitFor();
    expect(await page.locator('[data-testid="dag"] [data-step]').count()).toBe(2);
    expect(await page.locator('[data-step="extract"]').getAttribute('aria-label')).toBe('extract: sleep, 4 shards');
  });
});

describe('running', () => {
  let runId: string;

  it('triggers the job with params and turns every step green on the run page, live, without reloading', async () => {
    const runQueries: string[] = [];

    const framesBefore = wsFrames.length;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/graphql') && (r.postData() ?? '').includes('ConsoleRun(')) {
        runQueries.push(r.url());
      }
    });
    await page.getByRole('button', { name: 'Trigger' }).click();
    await page.getByRole('dialog').getByRole('textbox').fill('{ "day": "2026-11-25" }');
    await page.getByRole('button', { name: 'Trigger run' }).click();
    await page.waitForURL('**/runs/*');
    runId = page.url().split('/runs/')[1];
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    await page.locator('[data-testid="dag"] [data-step="load"]').waitFor();
    expect(['QUEUED', 'RUNNING']).toContain(
      await page.locator('[data-testid="run-status"] .badge').getAttribute('data-status'),
    );
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="dag"] [data-step]')].every(
          (n) => n.getAttribute('data-status') === 'SUCCEEDED',
        ),
      undefined,
      { timeout: 30_000 },
    );
    expect(await dagStatuses(page)).toEqual({ extract: 'SUCCEEDED', load: 'SUCCEEDED' });
    expect(await page.locator('[data-testid="run-status"]').textContent()).toContain('Succeeded');
    expect(await page.locator('[data-step="extract"] [data-testid="step-progress"]').textContent()).toBe('4/4');
    // Same page all along, and the run was read once: the rest came over the subscription.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(runQueries).toHaveLength(1);
    const events = wsFrames.slice(framesBefore).filter((f) => f.includes('"runUpdated"') && f.includes(runId));
    expect(events.length).toBeGreaterThanOrEqual(2);
    const run = await app.api.run(runId);
    expect(run.params).toMatchObject({ day: '2026-11-25' });
    await eventually(async () => ((await page.getByTestId('task-row').count()) === 5 ? true : undefined), {
      what: 'the task table to list the five tasks',
    });
    expect(await page.getByTestId('task-row').first().textContent()).toContain('north');
  });

  it('opens the Gantt with a bar for every task', async () => {
    await page.getByRole('tab', { name: 'Timeline (Gantt)' }).click();
    await page.getByTestId('gantt').waitFor();
    expect(page.url()).toContain('view=gantt');
    expect(await page.getByTestId('gantt-step').count()).toBe(2);
    expect(await page.getByTestId('gantt-task').count()).toBe(5);
    expect(await page.locator('.gantt__bar').count()).toBe(5);
    expect(await page.locator('.gantt__bar').first().locator('title').textContent()).toMatch(
      /extract #0 \(north\), attempt 1: Succeeded/,
    );
  });

  it('keeps the page, its tab and filters on reload and on a direct link', async () => {
    await page.reload();
    await page.getByTestId('gantt').waitFor();
    const fresh = await app.open();
    await fresh.page.goto(`/runs/${runId}?step=extract&status=SUCCEEDED`);
    await eventually(async () => ((await fresh.page.getByTestId('task-row').count()) === 4 ? true : undefined), {
      what: 'the filtered table',
    });
    expect(await fresh.page.getByTestId('filter-step').inputValue()).toBe('extract');
    await fresh.page.goto('/jobs/console-demo');
    await fresh.page.getByTestId('run-grid').waitFor();
    expect(await fresh.page.locator('.run-grid__cell.status--succeeded').count()).toBe(2);
    await fresh.page.goto('/jobs/no-such-job');
    await fresh.page.getByText('No job named “no-such-job”').waitFor();
    await fresh.context.close();
  });

  it('cancels a long run from its page', async () => {
    await app.api.createJob({
      name: 'long',
      steps: [{ key: 'wait', handler: 'sleep', params: { ms: 120_000 }, shards: 3 }],
    });
    const id = await app.api.trigger('long');
    await page.goto(`/runs/${id}`);
    await page.waitForFunction(
      () => document.querySelector('[data-step="wait"]')?.getAttribute('data-status') === 'RUNNING',
    );
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel run' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="run-status"] .badge')?.getAttribute('data-status') === 'CANCELLED',
      undefined,
      { timeout: 30_000 },
    );
    expect(await dagStatuses(page)).toEqual({ wait: 'CANCELLED' });
    expect((await app.api.run(id)).status).toBe('CANCELLED');
    // A finished run can be retried: a new run (trigger RETRY) of the same version opens.
    await page.getByRole('button', { name: 'Retry run' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/runs/') && !u.pathname.endsWith(id));
    const retryId = page.url().split('/runs/')[1];
    await page.getByRole('link', { name: id.slice(0, 8) }).waitFor();
    expect(await app.api.run(retryId)).toMatchObject({ trigger: 'RETRY', retryOf: id });
    await app.api.request('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: retryId });
  });

  it('shows how long the run page takes for a 2,000-shard run', async () => {
    await app.api.createJob({
      name: 'wide',
      steps: [
        { key: 'fan', handler: 'noop', shards: 2000 },
        { key: 'join', handler: 'noop', dependsOn: ['fan'] },
      ],
    });
    const id = await app.api.trigger('wide');
    await app.api.finished(id);
    const started = Date.now();
    await page.goto(`/runs/${id}`);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-step="fan"] [data-testid="step-progress"]')?.textContent === '2000/2000' &&
        document.querySelectorAll('[data-testid="task-row"]').length === 50,
    );
    const pageMs = Date.now() - started;
    const ganttStarted = Date.now();
    await page.getByRole('tab', { name: 'Timeline (Gantt)' }).click();
    await page.getByTestId('gantt-step').first().waitFor();
    const ganttMs = Date.now() - ganttStarted;
    // The big step starts folded; unfolding draws only the rows in view.
    await page.getByTestId('gantt-step').getByRole('button', { name: /fan/ }).click();
    await page.getByTestId('gantt-task').first().waitFor();
    expect(await page.getByTestId('gantt-task').count()).toBeLessThan(100);
    console.log(`2,000-shard run: run page ${pageMs} ms, Gantt ${ganttMs} ms`);
    expect(pageMs).toBeLessThan(10_000);
    expect(ganttMs).toBeLessThan(10_000);
  });
});

describe('a run in progress', () => {
  it('shows shard progress as it happens, in the DAG and the Gantt, and the jobs list', async () => {
    const cities = ['Beijing', 'Lima', 'Oslo', 'Cairo', 'Quito', 'Perth', 'Seoul', 'Accra'];
    await app.api.createJob({
      name: 'cities-weather',
      description: 'Weather per city, joined into one report',
      schedule: '*/5 * * * *',
      params: { day: 'today' },
      steps: [
        { key: 'extract', handler: 'sleep', params: { ms: 600 }, shards: 8, shardParams: cities },
        { key: 'transform', handler: 'sleep', params: { ms: 4000 }, shards: 24, dependsOn: ['extract'] },
        // Port 9 on loopback refuses: two failed attempts, then the step fails.
        {
          key: 'notify',
          handler: 'http',
          params: { url: 'http://127.0.0.1:9/hook' },
          retries: 1,
          retryBackoffMs: 300,
          dependsOn: ['extract'],
        },
        { key: 'report', handler: 'noop', dependsOn: ['transform'] },
        { key: 'load', handler: 'noop', dependsOn: ['report', 'notify'], triggerRule: 'ALL_DONE' },
      ],
    });
    await app.api.createJob({
      name: 'nightly-etl',
      description: 'Warehouse load',
      schedule: '0 2 * * *',
      timezone: 'Europe/Berlin',
      steps: [{ key: 'copy', handler: 'noop', shards: 64 }],
    });
    await app.api.createJob({
      name: 'reports.weekly',
      schedule: '0 9 * * MON',
      paused: true,
      steps: [{ key: 'render', handler: 'noop' }],
    });
    const id = await app.api.trigger('cities-weather');
    await page.goto(`/runs/${id}`);
    // The first wave of transform (16 at a time) is done and the second is running.
    await page.waitForFunction(
      () => {
        const node = document.querySelector('[data-step="transform"]');
        const done = Number(node?.querySelector('[data-testid="step-progress"]')?.textContent?.split('/')[0]);
        return node?.getAttribute('data-status') === 'RUNNING' && done >= 16;
      },
      undefined,
      { timeout: 30_000 },
    );
    const statuses = await dagStatuses(page);
    expect(statuses).toMatchObject({ extract: 'SUCCEEDED', transform: 'RUNNING', notify: 'FAILED' });
    expect(['PENDING', null]).toContain(statuses.load);
    await screenshot(page, 'console-run-dag');
    await page.getByRole('tab', { name: 'Timeline (Gantt)' }).click();
    await page.getByTestId('gantt-task').first().waitFor();
    // notify's two attempts are two bars on one row; transform's running ones are open.
    expect(await page.locator('.gantt__bar.is-open').count()).toBeGreaterThan(0);
    // Folding transform brings notify's rows into view (only rows in view are drawn).
    await page
      .getByTestId('gantt-step')
      .getByRole('button', { name: /transform/ })
      .click();
    const notifyBars = await page.$$eval('.gantt__bar title', (titles) =>
      titles.map((t) => t.textContent ?? '').filter((t) => t.startsWith('notify')),
    );
    expect(notifyBars).toEqual([
      expect.stringMatching(/attempt 1: Failed/),
      expect.stringMatching(/attempt 2: Failed/),
    ]);
    await page
      .getByTestId('gantt-step')
      .getByRole('button', { name: /transform/ })
      .click();
    await page.getByTestId('gantt').scrollIntoViewIfNeeded();
    // For the picture: transform's second wave still running, and notify's two failed attempts.
    await page.locator('.gantt__body').evaluate((el) => (el.scrollTop = 14 * 24));
    await page.locator('[data-testid="gantt-step"]', { hasText: 'notify' }).waitFor();
    await screenshot(page, 'console-gantt', { selector: '.card:has([data-testid="gantt"])' });
    await page.goto('/');
    await page.locator('[data-job="cities-weather"] .badge').waitFor();
    expect(await page.locator('[data-job="reports.weekly"]').textContent()).toContain('Paused');
    expect(await page.locator('[data-job="nightly-etl"]').textContent()).toContain('At 02:00');
    await screenshot(page, 'console-jobs');
    // The jobs list follows the run live: its last-run badge turns Failed without a reload.
    await page.waitForFunction(
      () => document.querySelector('[data-job="cities-weather"] .badge')?.getAttribute('data-status') === 'FAILED',
      undefined,
      { timeout: 30_000 },
    );
  });
});

describe('workers and cluster', () => {
  it('lists the live worker and the leading planner', async () => {
    await page.goto('/workers');
    await page.getByTestId('worker-row').first().waitFor();
    const row = await page.getByTestId('worker-row').first().textContent();
    expect(row).toContain('Alive');
    expect(row).toContain('default');
    expect(row).toContain('noop, sleep, http');
    expect(await page.getByTestId('planners').textContent()).toContain('Leader');
    expect(Number(await page.getByTestId('epoch').textContent())).toBeGreaterThanOrEqual(1);
  });
});

describe('everywhere', () => {
  it('never shadows the API or the health endpoints', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect(await app.api.request('{ __typename }')).toEqual({ __typename: 'Query' });
    expect((await fetch(`${app.url}/assets/..%2Fpackage.json`)).status).toBe(404);
    const html = await fetch(`${app.url}/runs/whatever`);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('fits a 390 px phone without sideways scrolling, wide things scrolling in their boxes', async () => {
    const phone = await app.open({ width: 390, height: 844 });
    const id = (await app.api.request<{ runs: Array<{ id: string }> }>('{ runs(jobName: "console-demo") { id } }'))
      .runs[0].id;
    for (const [path, ready] of [
      ['/', '[data-testid="jobs-table"]'],
      ['/jobs/console-demo', '[data-testid="run-grid"]'],
      [`/runs/${id}`, '[data-testid="task-row"]'],
      [`/runs/${id}?view=gantt`, '[data-testid="gantt-task"]'],
      ['/workers', '[data-testid="worker-row"]'],
      ['/jobs/console-demo/edit', '.cm-content'],
    ] as const) {
      await phone.page.goto(path);
      await phone.page.locator(ready).first().waitFor();
      expect(await pageOverflow(phone.page), path).toBeLessThanOrEqual(0);
    }
    await phone.page.goto('/');
    await phone.page.getByTestId('jobs-table').waitFor();
    await screenshot(phone.page, 'console-phone');
    expect(phone.problems).toEqual({ outside: [], errors: [] });
    await phone.context.close();
  });

  it('can be used from the keyboard', async () => {
    await page.goto('/');
    await page.getByTestId('jobs-table').waitFor();
    // Skip link, then the brand, then the navigation.
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(reached).toEqual(expect.arrayContaining(['Jobs', 'Workers', 'GraphQL', 'New job', 'Trigger']));
    while ((await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Workers') {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL('**/workers');
    // The run page's DAG nodes are buttons too: Enter on one filters the tasks by that step.
    const id = (await app.api.request<{ runs: Array<{ id: string }> }>('{ runs(jobName: "console-demo") { id } }'))
      .runs[0].id;
    await page.goto(`/runs/${id}`);
    await page.locator('[data-step="load"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('step=load');
  });

  it('serves GraphiQL from the app itself and runs a query in it', async () => {
    const tab = await app.open();
    await tab.page.goto('/explorer');
    await tab.page.locator('.graphiql-container').waitFor({ timeout: 60_000 });
    // Monaco has drawn the example query (and GraphiQL read the schema) before running it.
    await tab.page
      .locator('.graphiql-query-editor .view-lines', { hasText: 'query Jobs' })
      .waitFor({ timeout: 60_000 });
    await tab.page.getByRole('button', { name: /Execute query/i }).click();
    await expect
      .poll(() => tab.page.locator('.graphiql-response').textContent(), { timeout: 30_000 })
      .toMatch(/"jobs":\s*\[/);
    expect(tab.problems).toEqual({ outside: [], errors: [] });
    await tab.context.close();
  });

  it('asked nothing of the outside world and logged no error', () => {
    expect(problems).toEqual({ outside: [], errors: [] });
  });
});

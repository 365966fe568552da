import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { readProcess, waitForExit } from '../../src/database/embedded/process-info';
import { compileForChild } from './compile-for-child';
import { Cleanup, query, quiet, recordingLogger, timed } from './helpers';

const FIXTURE = path.join(__dirname, 'fixtures', 'start-and-wait.mjs');
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

let entry: string;
beforeAll(async () => {
  const compiled = await compileForChild();
  entry = compiled.entry;
  return compiled.dispose;
});

/** Starts the server from another process, as `npm start` would, and returns that owner. */
async function startInChild(dataDir: string): Promise<{ owner: ChildProcess; url: string; postmasterPid: number }> {
  const owner = spawn(process.execPath, [FIXTURE, entry, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.action(() => owner.kill('SIGKILL'));
  const started = JSON.parse(await firstLine(owner)) as { url?: string; dataDir?: string; error?: string };
  if (!started.url || !started.dataDir) throw new Error(`the child could not start: ${started.error}`);
  const pidFile = fs.readFileSync(path.join(started.dataDir, 'postmaster.pid'), 'utf8');
  return { owner, url: started.url, postmasterPid: Number(pidFile.split('\n')[0]) };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before it said anything`)));
  });
}

async function kill(owner: ChildProcess): Promise<void> {
  owner.kill('SIGKILL');
  if (owner.exitCode === null && owner.signalCode === null) await once(owner, 'exit');
}

describe('startEmbeddedPostgres after its owner was SIGKILLed', () => {
  it('stops the orphaned server and starts its own (and never takes a live owner’s server)', async () => {
    const dataDir = cleanup.tempDir('open');
    const { owner, url, postmasterPid } = await startInChild(dataDir);
    expect(await query(url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await expect(startEmbeddedPostgres({ dataDir, logger: quiet })).rejects.toThrow(/belongs to running process/);

    await kill(owner);
    expect(readProcess(postmasterPid)).toBeDefined();
    const logger = recordingLogger();
    const [db, recoverMs] = await timed(() => startEmbeddedPostgres({ dataDir, logger }));
    cleanup.server(db);
    expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(logger.lines.some((l) => l.includes(`orphaned server (pid ${postmasterPid})`))).toBe(true);
    expect(readProcess(postmasterPid)).toBeUndefined();
    console.log(`embedded PostgreSQL: start over an orphaned server ${recoverMs} ms`);
  });

  it('removes a postmaster.pid whose server died with its owner', async () => {
    const dataDir = cleanup.tempDir('open');
    const { owner, postmasterPid } = await startInChild(dataDir);
    await kill(owner);
    process.kill(postmasterPid, 'SIGKILL');
    expect(await waitForExit(postmasterPid, 5_000)).toBe(true);

    const logger = recordingLogger();
    const db = cleanup.server(await startEmbeddedPostgres({ dataDir, logger }));
    expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(logger.lines.some((l) => l.includes('removed a stale postmaster.pid'))).toBe(true);
  });
});

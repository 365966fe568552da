import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ASSET_NAME, CONSOLE_CSP, CONSOLE_NOT_BUILT, findConsoleDirectory } from './console-assets';

/**
 * The console's addresses. Each one serves the same page, which routes in the browser, so a
 * link to a job or a run opens straight to it and a reload keeps the page. They are listed
 * rather than caught with a wildcard so that nothing here can ever shadow /graphql,
 * /healthz or /readyz.
 */
export const CONSOLE_PAGES = [
  '',
  'jobs',
  'jobs/new',
  'jobs/:name',
  'jobs/:name/edit',
  'runs/:id',
  'workers',
  'explorer',
];

/** Vite pre-compresses these at build time (see libs/console/vite.config.mts). */
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.html', '.map', '.ttf']);

@Controller()
export class ConsoleController {
  private readonly directory = findConsoleDirectory();

  @Get(CONSOLE_PAGES)
  async page(@Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.type('html');
    if (!this.directory) {
      res.send(CONSOLE_NOT_BUILT);
      return;
    }
    const page = await readFile(join(this.directory, 'index.html'), 'utf8').catch(() => null);
    // Missing while a rebuild rewrites dist/console: say so rather than fail.
    if (page === null) {
      res.send(CONSOLE_NOT_BUILT);
      return;
    }
    res.setHeader('content-security-policy', CONSOLE_CSP);
    res.send(page);
  }

  /** Hashed, so cached for a year; sent gzipped when the browser takes it. */
  @Get('assets/:file')
  asset(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    if (!this.directory || !ASSET_NAME.test(file)) {
      res.status(404).json({ statusCode: 404, message: 'Not Found' });
      return;
    }
    const assets = join(this.directory, 'assets');
    const path = join(assets, file);
    const gzipped = `${path}.gz`;
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('vary', 'accept-encoding');
    res.type(extname(file));
    const wantsGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const send = wantsGzip && COMPRESSIBLE.has(extname(file)) && existsSync(gzipped) ? gzipped : path;
    if (send === gzipped) res.setHeader('content-encoding', 'gzip');
    res.sendFile(send, { maxAge: '365d', immutable: true }, (err) => {
      if (err && !res.headersSent) {
        res.removeHeader('content-encoding');
        res.status(404).json({ statusCode: 404, message: 'Not Found' });
      }
    });
  }
}

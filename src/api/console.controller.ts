import { Controller, Get, Header } from '@nestjs/common';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>shardflow</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:.1rem .3rem}</style>
</head><body>
<h1>shardflow</h1>
<p>The scheduler is running. Its GraphQL API is at <a href="/graphql"><code>/graphql</code></a>
(POST queries and mutations there).</p>
<p>Health: <a href="/healthz"><code>/healthz</code></a>, readiness: <a href="/readyz"><code>/readyz</code></a>.</p>
</body></html>`;

/** The web console's place; for now a page that says where the API is. */
@Controller()
export class ConsoleController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  index(): string {
    return PAGE;
  }
}

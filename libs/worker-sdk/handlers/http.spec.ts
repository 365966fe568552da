import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTaskContext } from '../testing';
import { httpHandler } from './http';

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const reply = (status: number, type: string | null, text: string): void => {
    res.writeHead(status, type === null ? {} : { 'content-type': type });
    res.end(text);
  };
  switch (req.url) {
    case '/echo':
      return reply(
        200,
        'application/json; charset=utf-8',
        JSON.stringify({ echoed: body === '' ? null : JSON.parse(body) }),
      );
    case '/text':
      return reply(200, 'text/plain', 'hello');
    case '/no-content':
      return reply(204, null, '');
    case '/not-json':
      return reply(200, 'application/json', '{oops');
    case '/unavailable':
      return reply(503, 'text/plain', `down\n${'x'.repeat(500)}`);
    case '/empty-error':
      return reply(500, null, '');
    case '/hang':
      return; // never answers: for timeouts and aborts
    default:
      return reply(404, 'text/plain', 'no such route');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      route(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const run = (params: Record<string, unknown>, signal = new AbortController().signal) =>
  httpHandler.run(makeTaskContext({ taskId: 'task-7', shardIndex: 2, shardCount: 3, params }), signal);

describe('http handler', () => {
  it('POSTs the context as JSON and outputs the JSON answer', async () => {
    const params = { url: `${base}/echo`, headers: { 'x-team': 'data' } };
    const output = await run(params);
    const task = makeTaskContext({ taskId: 'task-7', shardIndex: 2, shardCount: 3, params });
    expect(output).toEqual({ echoed: task });
    const request = seen.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('task-7');
    expect(request?.headers['x-team']).toBe('data');
  });

  it('sends no body with GET', async () => {
    await expect(run({ url: `${base}/echo`, method: 'get' })).resolves.toEqual({ echoed: null });
    expect(seen.at(-1)?.method).toBe('GET');
  });

  it.each([
    { path: '/text', why: 'a body that is not JSON' },
    { path: '/no-content', why: 'no body' },
  ])('outputs null for $why', async ({ path }) => {
    await expect(run({ url: `${base}${path}` })).resolves.toBeNull();
  });

  it.each([
    { path: '/unavailable', error: `HTTP 503 Service Unavailable: down ${'x'.repeat(195)}` },
    { path: '/empty-error', error: `HTTP 500 Internal Server Error from POST ${'{base}'}/empty-error` },
    { path: '/missing', error: 'HTTP 404 Not Found: no such route' },
    { path: '/not-json', error: 'HTTP 200 OK: the body says it is JSON but is not: {oops' },
  ])('fails on $path with the status and the start of the body', async ({ path, error }) => {
    await expect(run({ url: `${base}${path}` })).rejects.toThrow(error.replace('{base}', base));
  });

  it('fails on a network error, naming the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(run({ url: `http://127.0.0.1:${port}/x?token=secret` })).rejects.toThrow(
      new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/x failed: .*ECONNREFUSED`),
    );
  });

  it('fails when its own timeout passes, saying so', async () => {
    await expect(run({ url: `${base}/hang`, timeoutMs: 50 })).rejects.toThrow(
      `POST ${base}/hang timed out after 50 ms (params.timeoutMs)`,
    );
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = run({ url: `${base}/hang` }, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });

  it.each([
    { params: {}, error: 'params.url is required' },
    { params: { url: 'not a url' }, error: 'params.url is not a valid URL' },
    { params: { url: 'ftp://example.com/' }, error: 'params.url must be http or https (got ftp:)' },
    { params: { url: 'http://x/', method: 'GE T' }, error: 'params.method is not an HTTP method' },
    { params: { url: 'http://x/', headers: { a: 1 } }, error: 'params.headers.a must be a string (got 1)' },
    { params: { url: 'http://x/', timeoutMs: -5 }, error: 'params.timeoutMs must be a non-negative number' },
  ])('refuses $params', async ({ params, error }) => {
    await expect(run(params)).rejects.toThrow(error);
  });
});

import type { Request } from 'express';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { tokenMatches } from './token';

/**
 * What graphql-ws hands to onConnect and to the context factory. Nest serves subscriptions
 * through graphql-ws/use/ws, whose `extra` is the socket and the upgrade request.
 */
export type WsContext = Context<Record<string, unknown> | undefined, unknown>;

function wsExtra(ctx: WsContext): Extra {
  return ctx.extra as Extra;
}

/** Apollo calls the context factory with `{ req }`; graphql-ws calls it with its own context. */
export function isWsContext(arg: { req?: Request } | WsContext): arg is WsContext {
  return 'extra' in arg && !('req' in arg && arg.req);
}

/**
 * graphql-ws closes with 4401 (and a reason naming UNAUTHENTICATED) when the token is
 * missing or wrong; its clients treat 4401 as final rather than retrying forever.
 */
export const UNAUTHENTICATED_CLOSE = { code: 4401, reason: 'UNAUTHENTICATED: missing or wrong API token' } as const;

/**
 * The token of a graphql-ws connection: browsers cannot set headers on a WebSocket, so it
 * comes in connectionParams (`Authorization` or `authorization`: `Bearer <token>`); other
 * clients may send the upgrade request's Authorization header instead.
 */
export function connectionAuthorization(ctx: WsContext): string | undefined {
  const params = ctx.connectionParams ?? {};
  const given = params.Authorization ?? params.authorization;
  if (typeof given === 'string') return given;
  return wsExtra(ctx).request.headers.authorization;
}

/** graphql-ws `onConnect`: with a token configured, a connection without it is closed. */
export function checkConnection(token: string | null): (ctx: WsContext) => boolean {
  return (ctx) => {
    if (!token || tokenMatches(connectionAuthorization(ctx), token)) return true;
    // Closing first puts our code and reason on the wire; graphql-ws's own close (4403) then no-ops.
    wsExtra(ctx).socket.close(UNAUTHENTICATED_CLOSE.code, UNAUTHENTICATED_CLOSE.reason);
    return false;
  };
}

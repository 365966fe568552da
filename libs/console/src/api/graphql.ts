import { tokenStore } from './token-store';

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

/** An answer with errors: `code` is the first error's `extensions.code` (BAD_USER_INPUT, NOT_FOUND…). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly errors: GraphQLErrorShape[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

const ENDPOINT = '/graphql';

async function post<T>(query: string, variables: Record<string, unknown> | undefined): Promise<GraphQLResponse<T>> {
  const authorization = tokenStore.authorization();
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`the API answered ${response.status} ${response.statusText}`, null, []);
  }
}

/**
 * One GraphQL operation over HTTP. A missing or wrong token asks the user for one (once per
 * tab) and tries again; any other error is thrown as an ApiError.
 */
export async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  for (;;) {
    const result = await post<T>(query, variables);
    const errors = result.errors ?? [];
    const code = errors[0]?.extensions?.code ?? null;
    if (code === 'UNAUTHENTICATED') {
      await tokenStore.ask();
      continue;
    }
    if (errors.length) throw new ApiError(errors.map((e) => e.message).join('\n'), code, errors);
    return result.data as T;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface GraphQLResult<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** A minimal GraphQL-over-HTTP client: what any user's script does. */
export class GraphQLClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async raw<T>(query: string, variables?: Record<string, unknown>, token = this.token): Promise<GraphQLResult<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult<T>;
  }

  /** Data, or throws with the first error's message and code. */
  async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.raw<T>(query, variables);
    if (result.errors?.length) {
      const e = result.errors[0];
      throw Object.assign(new Error(`${e.extensions?.code ?? 'ERROR'}: ${e.message}`), { code: e.extensions?.code });
    }
    return result.data as T;
  }
}

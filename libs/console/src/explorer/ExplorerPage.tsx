import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage, gql } from '../api/graphql';
import { tokenStore } from '../api/token-store';
import { useTitle } from '../components/use-title';

const EXAMPLE = `# The shardflow API. Ctrl+Enter runs; the Docs button lists every type.
query Jobs {
  jobs {
    name
    schedule
    nextFireAt
    stats { runs successRate p95DurationMs }
    runs(limit: 3) { id status steps { key status shards succeeded } }
  }
}

# Live: run this and trigger a job in another tab.
# subscription Runs { runUpdated { id jobName status steps { key succeeded shards } } }
`;

/**
 * GraphiQL, bundled (its Monaco editor and workers included) and served by the api itself:
 * nothing is loaded from elsewhere. This whole page is a separate chunk, fetched only here.
 */
export default function ExplorerPage() {
  useTitle('GraphQL explorer');
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Asks for the token first (when the API has one), so GraphiQL's introspection is let in.
  useEffect(() => {
    gql<{ __typename: string }>('{ __typename }')
      .then(() => setReady(true))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  const fetcher = useMemo(() => {
    if (!ready) return null;
    const authorization = tokenStore.authorization();
    return createGraphiQLFetcher({
      url: `${location.origin}/graphql`,
      subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      headers: authorization ? { authorization } : undefined,
      wsConnectionParams: authorization ? { authorization } : undefined,
    });
  }, [ready]);

  if (error) return <p className="form-error">{error}</p>;
  if (!fetcher) return <p className="loading">Loading the explorer…</p>;
  return (
    <div className="explorer" data-testid="explorer">
      <GraphiQL fetcher={fetcher} defaultQuery={EXAMPLE} />
    </div>
  );
}

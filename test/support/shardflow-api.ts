import { GraphQLClient } from './graphql-client';
import { eventually } from './wait';

export interface RunView {
  id: string;
  status: string;
  trigger: string;
  jobVersion: number;
  retryOf: string | null;
  scheduledAt: string | null;
  params: Record<string, unknown>;
  steps: Array<{ key: string; status: string; shards: number; succeeded: number; failed: number }>;
  tasks: Array<{
    id: string;
    stepKey: string;
    shardIndex: number;
    shardParam: string | null;
    status: string;
    attempt: number;
    workerId: string | null;
    output: unknown;
    error: string | null;
    attempts: Array<{ number: number; status: string; workerId: string | null; error: string | null }>;
  }>;
}

export const RUN_FIELDS = `id status trigger jobVersion retryOf scheduledAt params
  steps { key status shards succeeded failed }
  tasks(limit: 10000) { id stepKey shardIndex shardParam status attempt workerId output error
    attempts { number status workerId error } }`;

const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** The few GraphQL calls the end-to-end scenarios make, as a user's script would. */
export class ShardflowApi extends GraphQLClient {
  async createJob(input: Record<string, unknown>): Promise<void> {
    await this.request(`mutation($input: JobInput!) { createJob(input: $input) { name } }`, { input });
  }

  async trigger(name: string, params?: Record<string, unknown>): Promise<string> {
    const data = await this.request<{ triggerJob: { id: string } }>(
      `mutation($name: String!, $params: JSON) { triggerJob(name: $name, params: $params) { id } }`,
      { name, params },
    );
    return data.triggerJob.id;
  }

  async run(id: string, fields = RUN_FIELDS): Promise<RunView> {
    const data = await this.request<{ run: RunView }>(`query($id: ID!) { run(id: $id) { ${fields} } }`, { id });
    return data.run;
  }

  async finished(id: string, timeoutMs = 60_000): Promise<RunView> {
    return eventually(
      async () => {
        const run = await this.run(id, 'id status');
        return FINAL.includes(run.status) ? this.run(id) : undefined;
      },
      { timeoutMs, what: `run ${id} to finish` },
    );
  }
}

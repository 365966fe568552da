/** Every operation the console sends: the public GraphQL API only, no private endpoints. */

export const RUN_STEP_FIELDS = 'key status shards succeeded failed skipped cancelled';

export const RUN_SUMMARY_FIELDS = `id jobName jobVersion status trigger scheduledAt createdAt startedAt finishedAt
  cancelRequestedAt retryOf steps { ${RUN_STEP_FIELDS} }`;

export const STEP_FIELDS =
  'key handler dependsOn shards shardParams params queue retries retryBackoffMs timeoutMs triggerRule';

export const JOBS_QUERY = `query ConsoleJobs {
  jobs {
    name description schedule timezone paused version nextFireAt
    steps { key shards }
    stats { runs successRate }
    runs(limit: 1) { id status createdAt }
  }
}`;

/** How many runs the job page's grid and chart show. */
export const JOB_RUNS = 40;

export const JOB_QUERY = `query ConsoleJob($name: String!, $runs: Int!) {
  job(name: $name) {
    name description schedule timezone paused version updatedAt nextFireAt
    concurrencyPolicy misfirePolicy maxActiveRuns params
    steps { ${STEP_FIELDS} }
    stats { runs succeeded failed successRate avgDurationMs p95DurationMs skippedFires }
    runs(limit: $runs) { ${RUN_SUMMARY_FIELDS} }
  }
}`;

/** The job itself, for the editor: what makes the JobInput that made it. */
export const JOB_DEFINITION_QUERY = `query ConsoleJobDefinition($name: String!) {
  job(name: $name) {
    name description schedule timezone paused version concurrencyPolicy misfirePolicy maxActiveRuns params
    steps { ${STEP_FIELDS} }
  }
}`;

export const RUN_QUERY = `query ConsoleRun($id: ID!) {
  run(id: $id) { ${RUN_SUMMARY_FIELDS} params }
}`;

/** The steps for a run's DAG: the API serves the job's current version (the run page says when the run used another). */
export const RUN_JOB_QUERY = `query ConsoleRunJob($name: String!) {
  job(name: $name) { name version steps { ${STEP_FIELDS} } }
}`;

export const TASK_FIELDS = `id stepKey shardIndex shardParam status attempt workerId startedAt finishedAt error
  attempts { number workerId status startedAt finishedAt error }`;

export const TASKS_PAGE_QUERY = `query ConsoleRunTasks($id: ID!, $stepKey: String, $status: TaskStatus, $limit: Int!, $offset: Int!) {
  run(id: $id) { id tasks(stepKey: $stepKey, status: $status, limit: $limit, offset: $offset) { ${TASK_FIELDS} output } }
}`;

/** Everything the Gantt draws (no outputs: they can be large). */
export const GANTT_LIMIT = 10_000;
export const GANTT_QUERY = `query ConsoleRunGantt($id: ID!, $limit: Int!) {
  run(id: $id) { id tasks(limit: $limit) { ${TASK_FIELDS} } }
}`;

export const RUN_UPDATED = `subscription ConsoleRunUpdated($id: ID, $jobName: String) {
  runUpdated(id: $id, jobName: $jobName) { ${RUN_SUMMARY_FIELDS} }
}`;

/** The jobs list only needs to know a job's latest run changed. */
export const RUN_UPDATED_BRIEF = `subscription ConsoleRunUpdatedBrief {
  runUpdated { id jobName status createdAt }
}`;

export const WORKERS_QUERY = `query ConsoleWorkers {
  workers { id host pid queues handlers running lastSeenAt alive }
  cluster { leaderId epoch leaderSince planners { id host pid leader lastSeenAt } }
}`;

const JOB_STATE_FIELDS = 'name paused nextFireAt';

export const CREATE_JOB = `mutation ConsoleCreateJob($input: JobInput!) { createJob(input: $input) { name version } }`;
export const UPDATE_JOB = `mutation ConsoleUpdateJob($name: String!, $input: JobInput!) {
  updateJob(name: $name, input: $input) { name version }
}`;
export const DELETE_JOB = `mutation ConsoleDeleteJob($name: String!) { deleteJob(name: $name) }`;
export const PAUSE_JOB = `mutation ConsolePauseJob($name: String!) { pauseJob(name: $name) { ${JOB_STATE_FIELDS} } }`;
export const RESUME_JOB = `mutation ConsoleResumeJob($name: String!) { resumeJob(name: $name) { ${JOB_STATE_FIELDS} } }`;
export const TRIGGER_JOB = `mutation ConsoleTriggerJob($name: String!, $params: JSON) {
  triggerJob(name: $name, params: $params) { id }
}`;
export const BACKFILL_JOB = `mutation ConsoleBackfillJob($name: String!, $from: DateTime!, $to: DateTime!) {
  backfillJob(name: $name, from: $from, to: $to) { id scheduledAt }
}`;
export const CANCEL_RUN = `mutation ConsoleCancelRun($id: ID!) { cancelRun(id: $id) { ${RUN_SUMMARY_FIELDS} } }`;
export const RETRY_RUN = `mutation ConsoleRetryRun($id: ID!) { retryRun(id: $id) { id } }`;

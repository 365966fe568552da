import { useNow, useQuery, useWhileVisible } from '../api/hooks';
import { WORKERS_QUERY } from '../api/queries';
import type { Cluster, Worker } from '../api/types';
import { Failure, Loading } from '../components/PageState';
import { useTitle } from '../components/use-title';
import { formatRelative, formatTime } from '../logic/format';

/** How often the page asks again: workers heartbeat every 2 s by default, and the API has no worker events. */
const REFRESH_MS = 3000;

/** The worker fleet and the planners: who leads, since when, at which epoch. */
export function WorkersPage() {
  useTitle('Workers');
  const { data, error, loading, refetch } = useQuery<{ workers: Worker[]; cluster: Cluster }>(WORKERS_QUERY);
  useWhileVisible(() => void refetch(), REFRESH_MS);
  const now = useNow(1000);

  if (error && !data) return <Failure error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="workers" />;
  if (!data) return null;
  const { workers, cluster } = data;
  const alive = workers.filter((w) => w.alive);
  const dead = workers.filter((w) => !w.alive);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Workers and cluster</h1>
        <p className="muted small">Refreshed every {REFRESH_MS / 1000} s while this tab is visible.</p>
      </header>

      <section className="card">
        <h2>Planners</h2>
        <dl className="facts" data-testid="cluster">
          <div>
            <dt>Leader</dt>
            <dd className="mono">{cluster.leaderId ?? 'none — a standby takes over when the lease lapses'}</dd>
          </div>
          <div>
            <dt>Epoch</dt>
            <dd data-testid="epoch">{cluster.epoch}</dd>
          </div>
          <div>
            <dt>Leading since</dt>
            <dd title={formatTime(cluster.leaderSince)}>
              {cluster.leaderSince
                ? `${formatTime(cluster.leaderSince)} (${formatRelative(cluster.leaderSince, now)})`
                : '—'}
            </dd>
          </div>
        </dl>
        <div className="scroll-box">
          <table className="table" data-testid="planners">
            <thead>
              <tr>
                <th scope="col">Planner</th>
                <th scope="col">Role</th>
                <th scope="col">Host</th>
                <th scope="col">PID</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {cluster.planners.map((p) => (
                <tr key={p.id}>
                  <td className="mono">{p.id}</td>
                  <td>
                    {p.leader ? (
                      <span className="pill pill--active">Leader</span>
                    ) : (
                      <span className="pill">Standby</span>
                    )}
                  </td>
                  <td>{p.host}</td>
                  <td className="num">{p.pid}</td>
                  <td title={formatTime(p.lastSeenAt)}>{formatRelative(p.lastSeenAt, now)}</td>
                </tr>
              ))}
              {cluster.planners.length === 0 && (
                <tr>
                  <td colSpan={5} className="empty">
                    No planner is running.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card">
        <h2>
          Workers <span className="muted small">{alive.length} alive</span>
        </h2>
        <WorkerTable workers={alive} now={now} empty="No worker is alive." testId="workers" />
        {dead.length > 0 && (
          <>
            <h3>Gone silent</h3>
            <WorkerTable workers={dead} now={now} empty="" testId="dead-workers" />
          </>
        )}
      </section>
    </div>
  );
}

function WorkerTable({
  workers,
  now,
  empty,
  testId,
}: {
  workers: Worker[];
  now: number;
  empty: string;
  testId: string;
}) {
  return (
    <div className="scroll-box">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col">State</th>
            <th scope="col">Queues</th>
            <th scope="col">Handlers</th>
            <th scope="col">Running</th>
            <th scope="col">Host / PID</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.id} data-testid="worker-row">
              <td className="mono">{w.id}</td>
              <td>
                {w.alive ? (
                  <span className="pill pill--active">Alive</span>
                ) : (
                  <span className="pill pill--dead">Silent</span>
                )}
              </td>
              <td>{w.queues.join(', ')}</td>
              <td className="small">{w.handlers.join(', ')}</td>
              <td className="num">{w.running}</td>
              <td>
                {w.host} / {w.pid}
              </td>
              <td title={formatTime(w.lastSeenAt)}>{formatRelative(w.lastSeenAt, now)}</td>
            </tr>
          ))}
          {workers.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

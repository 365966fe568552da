import { lazy, Suspense } from 'react';
import { useLiveState } from './api/hooks';
import { Link, usePathname } from './components/router';
import { ToastArea } from './components/toasts';
import { TokenDialog } from './components/TokenDialog';
import { matchRoute, paths, type Route } from './logic/routes';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RunPage } from './pages/RunPage';
import { WorkersPage } from './pages/WorkersPage';

// The editor (CodeMirror) and the explorer (GraphiQL, Monaco) load only when opened.
const JobEditorPage = lazy(() => import('./pages/JobEditorPage'));
const ExplorerPage = lazy(() => import('./explorer/ExplorerPage'));

function page(route: Route) {
  switch (route.page) {
    case 'jobs':
      return <JobsPage />;
    case 'jobNew':
      return <JobEditorPage name={null} />;
    case 'job':
      return <JobPage key={route.name} name={route.name} />;
    case 'jobEdit':
      return <JobEditorPage key={route.name} name={route.name} />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'workers':
      return <WorkersPage />;
    case 'explorer':
      return <ExplorerPage />;
    case 'notFound':
      return <NotFoundPage path={route.path} />;
  }
}

const LIVE_WORDS = { live: 'Live', connecting: 'Connecting…', offline: 'Reconnecting…' } as const;

/** Whether this page's live updates flow; hidden on pages that have none. */
function LiveIndicator() {
  const state = useLiveState();
  if (state === 'idle') return <span className="live" aria-hidden="true" />;
  return (
    <span className={`live live--${state}`} title="Live updates (GraphQL subscription)" data-testid="live-state">
      <span className="live__dot" aria-hidden="true" />
      {LIVE_WORDS[state]}
    </span>
  );
}

export function App() {
  const pathname = usePathname();
  const route = matchRoute(pathname);
  const section = route.page === 'workers' ? 'workers' : route.page === 'explorer' ? 'explorer' : 'jobs';
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={paths.jobs()} className="brand" aria-label="shardflow: jobs">
          <span className="brand__mark" aria-hidden="true" />
          shardflow
        </Link>
        <nav className="nav" aria-label="Main">
          <Link to={paths.jobs()} aria-current={section === 'jobs' ? 'page' : undefined}>
            Jobs
          </Link>
          <Link to={paths.workers()} aria-current={section === 'workers' ? 'page' : undefined}>
            Workers
          </Link>
          <Link to={paths.explorer()} aria-current={section === 'explorer' ? 'page' : undefined}>
            GraphQL
          </Link>
        </nav>
        <LiveIndicator />
      </header>
      <main id="main" className={route.page === 'explorer' ? 'main main--wide' : 'main'}>
        <Suspense fallback={<p className="loading">Loading…</p>}>{page(route)}</Suspense>
      </main>
      <TokenDialog />
      <ToastArea />
    </>
  );
}

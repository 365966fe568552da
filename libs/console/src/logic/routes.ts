/**
 * The console's addresses. The api serves the same page at each (src/api/console.controller.ts
 * lists them), so every page can be linked to and survives a reload.
 */
export type Route =
  | { page: 'jobs' }
  | { page: 'jobNew' }
  | { page: 'job'; name: string }
  | { page: 'jobEdit'; name: string }
  | { page: 'run'; id: string }
  | { page: 'workers' }
  | { page: 'explorer' }
  | { page: 'notFound'; path: string };

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export function matchRoute(pathname: string): Route {
  const parts = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  const [first, second, third] = parts;
  if (parts.length === 0 || (parts.length === 1 && first === 'jobs')) return { page: 'jobs' };
  if (first === 'jobs' && parts.length === 2 && second === 'new') return { page: 'jobNew' };
  if (first === 'jobs' && parts.length === 2) return { page: 'job', name: decode(second) };
  if (first === 'jobs' && parts.length === 3 && third === 'edit') return { page: 'jobEdit', name: decode(second) };
  if (first === 'runs' && parts.length === 2) return { page: 'run', id: decode(second) };
  if (first === 'workers' && parts.length === 1) return { page: 'workers' };
  if (first === 'explorer' && parts.length === 1) return { page: 'explorer' };
  return { page: 'notFound', path: pathname };
}

export const paths = {
  jobs: () => '/',
  jobNew: () => '/jobs/new',
  job: (name: string) => `/jobs/${encodeURIComponent(name)}`,
  jobEdit: (name: string) => `/jobs/${encodeURIComponent(name)}/edit`,
  run: (id: string) => `/runs/${encodeURIComponent(id)}`,
  workers: () => '/workers',
  explorer: () => '/explorer',
};

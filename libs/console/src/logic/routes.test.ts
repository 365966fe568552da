import { describe, expect, it } from 'vitest';
import { matchRoute, paths } from './routes';

describe('routes', () => {
  it.each([
    ['/', { page: 'jobs' }],
    ['/jobs', { page: 'jobs' }],
    ['/jobs/new', { page: 'jobNew' }],
    ['/jobs/nightly.etl', { page: 'job', name: 'nightly.etl' }],
    ['/jobs/nightly.etl/', { page: 'job', name: 'nightly.etl' }],
    ['/jobs/nightly.etl/edit', { page: 'jobEdit', name: 'nightly.etl' }],
    ['/runs/2b1c', { page: 'run', id: '2b1c' }],
    ['/workers', { page: 'workers' }],
    ['/explorer', { page: 'explorer' }],
    ['/nope/x', { page: 'notFound', path: '/nope/x' }],
  ])('%s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it('round-trips names through links', () => {
    expect(matchRoute(paths.job('a_b.c-d'))).toEqual({ page: 'job', name: 'a_b.c-d' });
    expect(matchRoute(paths.jobEdit('x'))).toEqual({ page: 'jobEdit', name: 'x' });
  });
});

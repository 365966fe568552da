import { Link } from '../components/router';
import { useTitle } from '../components/use-title';
import { paths } from '../logic/routes';

export function NotFoundPage({ path }: { path: string }) {
  useTitle('Not found');
  return (
    <div className="page">
      <h1>Nothing at {path}</h1>
      <p>
        <Link to={paths.jobs()}>Go to the jobs</Link>
      </p>
    </div>
  );
}

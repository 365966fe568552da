// Every migration, in order. Listed (not globbed) so that compiled and TypeScript runs,
// the CLI and the tests all load exactly the same set.
import { Init1795644727288 } from './1795644727288-Init';
import { Schedules1795646449055 } from './1795646449055-Schedules';
import { RunOrder1795646795922 } from './1795646795922-RunOrder';
import { Failover1795647416296 } from './1795647416296-Failover';

export const MIGRATIONS = [Init1795644727288, Schedules1795646449055, RunOrder1795646795922, Failover1795647416296];

// The `helm` kind: charts from classic repositories and OCI registries, with their dependencies and the
// images they run; served as a classic chart repository at /charts/ (index.yaml, archives, uploads).
import type { Kind } from '../kind.js';
import { collectChart } from './collect.js';
import { helmRoutes } from './routes.js';
import { chartEntrySchema, chartKey, chartLockedSchema, chartSatisfies, type ChartEntry, type ChartLocked } from './spec.js';

export const helmKind: Kind<ChartEntry, ChartLocked> = {
  name: 'helm',
  section: 'charts',
  entrySchema: chartEntrySchema,
  lockedSchema: chartLockedSchema,
  key: chartKey,
  satisfies: chartSatisfies,
  collect: collectChart,
  routes: helmRoutes,
};

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { serviceOverviewDashboard } from './service-overview-dashboard.ts';
import { workersDashboard } from './workers-dashboard.ts';

/** The generated dashboards: repository path and the JSON committed there (provisioned from deploy/grafana/dashboards). */
export function dashboardFiles(): { path: string; dashboard: Dashboard; json: string }[] {
  return [
    ['deploy/grafana/dashboards/apfa-service-overview.json', serviceOverviewDashboard()] as const,
    ['deploy/grafana/dashboards/apfa-workers.json', workersDashboard()] as const,
  ].map(([path, dashboard]) => ({ path, dashboard, json: `${JSON.stringify(dashboard, null, 2)}\n` }));
}

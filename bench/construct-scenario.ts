import { App, Chart } from 'cdk8s';
import { HarborMember, HarborPrivateApp, HarborRole } from '../lib/cdk8s';
import { BenchLayout, BENCH_REGISTRY_HOST, benchApp } from './fixtures';

/**
 * Declares `n` HarborPrivateApps (see {@link benchApp}) in `app`: all in one chart named `bench`, or each in
 * its own chart named after the app.
 */
export function declareConstructApps(app: App, n: number, layout: BenchLayout): void {
  const shared = layout === 'one-chart' ? new Chart(app, 'bench') : undefined;
  for (let i = 0; i < n; i++) {
    const a = benchApp(i);
    const chart = shared ?? new Chart(app, a.id);
    new HarborPrivateApp(chart, a.id, {
      registryHost: BENCH_REGISTRY_HOST,
      project: { name: a.project },
      members: [HarborMember.user(a.member, HarborRole.GUEST)],
      namespaces: [a.namespace],
      workload: {
        metadata: { name: a.deployment },
        containers: [{ image: a.image }],
      },
    });
  }
}

import { App } from 'cdk8s';
import { CorednsChart } from '../../apps/cdk8s/coredns';
import { TenantsChart } from '../../apps/cdk8s/tenants';
import { formatReport, lintSources } from '../../lib/lint';

describe('lint as a library (harbor-private-app/lint), in a unit test of a cdk8s app', () => {
  test('the examples have no finding; the seed without imagePullSecrets has one', () => {
    const app = new App();
    new CorednsChart(app, 'coredns', { disableResourceNameHashes: true });
    new TenantsChart(app, 'tenants', { disableResourceNameHashes: true });
    const report = lintSources([{ file: 'app', text: app.synthYaml() }]);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ objects: 51, workloads: 5, checked: 5, registries: ['reg.harbor.com'] });

    const broken = app.synthYaml().replace(/\n {6}imagePullSecrets:\n {8}- name: registry-secret/, '');
    const again = lintSources([{ file: 'app', text: broken }]);
    expect(again.findings.map((f) => [f.kind, f.namespace, f.name, f.code])).toEqual([
      ['Deployment', 'kube-system', 'coredns', 'no-pull-secret'],
    ]);
    expect(formatReport(again, 'text')).toMatch(/^app:\d+:\d+: Deployment kube-system\/coredns, container "coredns"/);
  });
});

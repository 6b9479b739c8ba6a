import { App } from 'cdk8s';
import { CorednsChart } from './coredns';
import { TenantsChart } from './tenants';

// `npm run synth` (cdk8s synth) writes dist/coredns.k8s.yaml and dist/tenants.k8s.yaml.
const app = new App();
new CorednsChart(app, 'coredns', { disableResourceNameHashes: true });
new TenantsChart(app, 'tenants', { disableResourceNameHashes: true });
app.synth();

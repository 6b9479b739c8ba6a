/**
 * The bare cdk8s app the bench compares `npm run synth` with: one chart of `<count>` plain ConfigMaps,
 * no cdk8s-plus, no library. Run by `cdk8s synth --app "node -r ts-node/register/transpile-only bench/bare-app.ts <count>"`
 * exactly like the example app (apps/cdk8s/main.ts) is run by cdk8s.yaml.
 */
import { ApiObject, App, Chart } from 'cdk8s';

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1) {
  throw new Error(
    `bench/bare-app.ts: the object count argument is ${JSON.stringify(process.argv[2])}; pass a whole number >= 1, e.g. 23`,
  );
}
const app = new App();
const chart = new Chart(app, 'bare', { disableResourceNameHashes: true });
for (let i = 0; i < count; i++) {
  new ApiObject(chart, `object-${i}`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `object-${i}`, namespace: 'default' },
    data: { index: String(i) },
  });
}
app.synth();

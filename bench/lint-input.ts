/**
 * The large lint input: a multi-tenant cluster's manifests as `kustomize build` or `helm template` write them, in one
 * file, with the shapes that used to cost quadratic time: one pull Secret name in every namespace, workloads whose
 * Secret is in other namespaces only, workloads without any pull Secret, List documents, and an anchor.
 *
 * Per tenant (10 objects): a Namespace, its pull Secret `regcred` (a literal Secret, or every tenth tenant an
 * ExternalSecret), a ServiceAccount naming it, a ConfigMap, a Service, a Deployment naming the Secret (covered), a
 * StatefulSet through the ServiceAccount (covered), a CronJob with no pull Secret (`no-pull-secret`), a Deployment in
 * the shared namespace naming `regcred` (`secret-not-found`, the Secret being in every other namespace), and an Argo
 * Rollout (covered). No value is a credential.
 */
import * as fs from 'node:fs';

const AUTH = Buffer.from(
  JSON.stringify({ auths: { 'reg.harbor.com': { username: 'robot$bench+pull', password: 'not-a-real-secret' } } }),
).toString('base64');

function tenant(i: number): string[] {
  const ns = `team-${i}`;
  const image = (name: string): string => `reg.harbor.com/${ns}/${name}:1.${i % 7}.0`;
  const secret =
    i % 10 === 0
      ? `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: regcred
  namespace: ${ns}
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: vault }
  data:
    - secretKey: password
      remoteRef: { key: harbor/${ns}, property: secret }
  target:
    template:
      type: kubernetes.io/dockerconfigjson
      data:
        .dockerconfigjson: '{"auths":{"reg.harbor.com":{"username":"robot$${ns}+pull","password":{{ .password | toJson }}}}}'`
      : `apiVersion: v1
kind: Secret
metadata:
  name: regcred
  namespace: ${ns}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${AUTH}`;
  return [
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    tenant: "${i}"`,
    secret,
    `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: ${ns}
imagePullSecrets:
  - name: regcred`,
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  LOG_LEVEL: info
  FEATURES: "a,b,c"`,
    `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080`,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: { app: web }
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      imagePullSecrets:
        - name: regcred
      containers:
        - name: web
          image: ${image('web')}
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }`,
    `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${ns}
spec:
  serviceName: db
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      serviceAccountName: app
      initContainers:
        - name: migrate
          image: ${image('migrate')}
      containers:
        - name: postgres
          image: ${image('postgres')}`,
    `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: ${ns}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ${image('report')}`,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-${i}
  namespace: shared
spec:
  selector:
    matchLabels: { app: worker-${i} }
  template:
    metadata:
      labels: { app: worker-${i} }
    spec:
      imagePullSecrets:
        - name: regcred
      containers:
        - name: worker
          image: ${image('worker')}`,
    `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: api
  namespace: ${ns}
spec:
  selector:
    matchLabels: { app: api }
  strategy:
    canary:
      steps:
        - setWeight: 50
  template:
    metadata:
      labels: { app: api }
    spec:
      imagePullSecrets:
        - name: regcred
      containers:
        - name: api
          image: ${image('api')}`,
  ];
}

/**
 * Writes the large lint input (`objects` rounded up to whole tenants of 10 objects).
 * @returns the number of objects written, and of findings lint must report (2 per tenant)
 */
export function writeLargeLintInput(file: string, objects: number): { objects: number; findings: number } {
  const tenants = Math.ceil(objects / 10);
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < tenants; i++) fs.writeSync(fd, `${i === 0 ? '' : '---\n'}${tenant(i).join('\n---\n')}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return { objects: tenants * 10, findings: tenants * 2 };
}

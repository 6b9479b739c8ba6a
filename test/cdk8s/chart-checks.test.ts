/**
 * Chart-wide checks at synthesis: a Secret (or ExternalSecret target) the user declares in the same chart with a pull
 * Secret's name and namespace, and apps reading their robot secret through a ClusterSecretStore another app emits
 * that does not serve them.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HarborPrivateApp, HarborPrivateAppProps, PullCredentials, SecretStoreRef } from '../../lib/cdk8s';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { synthError } from './synth-error';

const props: HarborPrivateAppProps = {
  registryHost: 'reg.harbor.com',
  project: { name: 'k8s' },
  namespaces: ['kube-system'],
  pullSecretName: 'registry-secret',
};

describe('a Secret of the user with the pull Secret name and namespace', () => {
  test('a v1 Secret in the same chart fails synthesis, naming the field, the Secret, where it is and the fix', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'coredns', props);
    new kplus.k8s.KubeSecret(chart, 'Mine', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    const message = synthError(chart);
    expect(message).toContain('HarborPrivateApp "coredns": pullSecretName = "registry-secret": clashes with Secret');
    expect(message).toContain('in namespace "kube-system" declared at test/Mine in the same chart');
    expect(message).toMatch(/Fix: give this app another pullSecretName, or remove your Secret;.*fromExistingSecret/);
  });

  test('also when it is declared before the app, inside a construct of the user, or through cdk8s-plus', () => {
    const chart = Testing.chart();
    new kplus.Secret(chart, 'PlusSecret', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    new HarborPrivateApp(chart, 'coredns', props);
    expect(synthError(chart)).toMatch(
      /clashes with Secret "registry-secret" in namespace "kube-system" declared at test\/PlusSecret/,
    );
  });

  test('a Secret without a namespace clashes with a pull Secret in "default", and the message says why', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'web', { ...props, namespaces: ['default'] });
    new ApiObject(chart, 'Raw', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry-secret' } });
    expect(synthError(chart)).toMatch(/no namespace: kubectl puts it in "default"/);
  });

  test('an ExternalSecret of the user that targets the same Secret name clashes too', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'coredns', props);
    new ApiObject(chart, 'Es', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'other-name', namespace: 'kube-system' },
      spec: { target: { name: 'registry-secret' } },
    });
    expect(synthError(chart)).toMatch(
      /clashes with ExternalSecret target "registry-secret" in namespace "kube-system"/,
    );
  });

  test('no clash: another namespace, another name, another kind, or the app uses that Secret (fromExistingSecret)', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'coredns', props);
    new kplus.k8s.KubeSecret(chart, 'OtherNs', { metadata: { name: 'registry-secret', namespace: 'apps' } });
    new kplus.k8s.KubeSecret(chart, 'OtherName', { metadata: { name: 'tls', namespace: 'kube-system' } });
    new kplus.k8s.KubeConfigMap(chart, 'Cm', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    new HarborPrivateApp(chart, 'web', {
      ...props,
      project: { name: 'web' },
      namespaces: ['web'],
      pullSecretName: undefined,
      credentials: PullCredentials.fromExistingSecret('mine'),
    });
    new kplus.k8s.KubeSecret(chart, 'Mine', { metadata: { name: 'mine', namespace: 'web' } });
    expect(synthError(chart)).toBeUndefined();
  });

  test('an app in another chart is not compared (the checks are per chart)', () => {
    const app = Testing.app();
    new HarborPrivateApp(new Chart(app, 'a'), 'coredns', props);
    const other = new Chart(app, 'b');
    new kplus.k8s.KubeSecret(other, 'Mine', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    expect(synthError(other)).toBeUndefined();
  });
});

describe('a ClusterSecretStore emitted by one app (emitStore: true) and read by another', () => {
  const tenant = (name: string, namespaces: string[], emitStore: boolean, connectionSecretNamespace?: string) => ({
    registryHost: 'reg.harbor.com',
    project: { name },
    namespaces,
    robotSecrets: { emitStore, connectionSecretNamespace },
  });

  test.each([
    ['emitting app first', true],
    ['emitting app second', false],
  ])(
    "%s: the other app's namespaces are not admitted: synthesis fails naming both apps and the namespaces",
    (_o, first) => {
      const chart = Testing.chart();
      const emit = (): unknown => new HarborPrivateApp(chart, 'team-a', tenant('team-a', ['a1', 'a2'], true));
      if (first) emit();
      new HarborPrivateApp(chart, 'team-b', tenant('team-b', ['a1', 'b1'], false));
      if (!first) emit();
      const message = synthError(chart);
      expect(message).toContain('HarborPrivateApp "team-b": robotSecrets.store = "harbor-robot-secrets"');
      expect(message).toContain('emits (emitStore: true) in the same chart');
      expect(message).toContain('HarborPrivateApp "test/team-a"');
      expect(message).toContain(
        'admits only that app\'s namespaces ["a1","a2"]: this app\'s ExternalSecrets in ["b1"]',
      );
      expect(message).toMatch(/Fix: emit a store for this app too: robotSecrets: \{ store: SecretStoreRef\.cluster/);
    },
  );

  test('another connection Secret namespace: the store would never find the robot secret', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'team-a', tenant('team-a', ['a1', 'a2'], true));
    new HarborPrivateApp(chart, 'team-b', tenant('team-b', ['a2'], false, 'robots-b'));
    expect(synthError(chart)).toMatch(
      /robotSecrets\.connectionSecretNamespace = "robots-b": differs from "harbor-robots", the only namespace the ClusterSecretStore "harbor-robot-secrets" emitted by HarborPrivateApp "test\/team-a" reads/,
    );
  });

  test('fine: an app whose namespaces the store admits, with the same connection namespace; or its own store', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'team-a', tenant('team-a', ['a1', 'a2'], true));
    new HarborPrivateApp(chart, 'team-a-tools', tenant('team-a-tools', ['a2'], false));
    new HarborPrivateApp(chart, 'team-c', {
      ...tenant('team-c', ['c1'], true, 'robots-c'),
      robotSecrets: {
        store: SecretStoreRef.cluster('team-c-robots'),
        emitStore: true,
        connectionSecretNamespace: 'robots-c',
      },
    });
    expect(synthError(chart)).toBeUndefined();
  });

  test('a store emitted nowhere in the chart is not checked (it may be managed elsewhere)', () => {
    const chart = new Chart(new App(), 'x');
    new HarborPrivateApp(chart, 'team-b', tenant('team-b', ['b1'], false));
    expect(synthError(chart)).toBeUndefined();
  });
});

test('one chart-wide validation, however many apps the chart holds (scanned once, not once per app)', () => {
  const chart = Testing.chart();
  const added = jest.spyOn(chart.node, 'addValidation');
  for (let i = 0; i < 50; i++) {
    new HarborPrivateApp(chart, `app${i}`, { ...props, project: { name: `p${i}` }, pullSecretName: `s${i}` });
  }
  expect(added).toHaveBeenCalledTimes(1);
  expect(synthError(chart)).toBeUndefined();
});

describe('a chart per app: one validation for the whole cdk8s app, hosted by its first chart', () => {
  // cdk8s validates the whole app before it synthesizes each chart: a validation per chart would run charts x charts
  // times.
  const charts = (n: number): { app: App; charts: Chart[] } => {
    const app = Testing.app();
    const list: Chart[] = [];
    for (let i = 0; i < n; i++) {
      const chart = new Chart(app, `c${i}`);
      new HarborPrivateApp(chart, `app${i}`, { ...props, project: { name: `p${i}` } });
      list.push(chart);
    }
    return { app, charts: list };
  };

  test('one validation, on the first chart, however many charts hold apps', () => {
    const app = Testing.app();
    const spies: jest.SpyInstance[] = [];
    for (let i = 0; i < 20; i++) {
      const chart = new Chart(app, `c${i}`);
      spies.push(jest.spyOn(chart.node, 'addValidation'));
      new HarborPrivateApp(chart, `app${i}`, { ...props, project: { name: `p${i}` } });
    }
    expect(spies.map((s) => s.mock.calls.length)).toEqual([1, ...Array<number>(19).fill(0)]);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test("a clash in another chart than the first is found, named with that chart's path", () => {
    const { app, charts: list } = charts(3);
    new kplus.k8s.KubeSecret(list[2], 'Mine', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    expect(() => app.synthYaml()).toThrow(
      /\[c0\] \[c2\] HarborPrivateApp "app2": pullSecretName = "registry-secret": clashes with Secret "registry-secret" in namespace "kube-system" declared at c2\/Mine/,
    );
    // Whichever chart is synthesized, as cdk8s validates the whole app for each.
    expect(synthError(list[1])).toContain('[c2] HarborPrivateApp "app2": pullSecretName');
  });

  test('a Secret added to a later chart right after a synthesis, in the same turn, is found by the next one', () => {
    const { charts: list } = charts(3);
    expect(synthError(list[0])).toBeUndefined();
    new kplus.k8s.KubeSecret(list[1], 'Late', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    expect(synthError(list[0])).toMatch(/\[c1\] HarborPrivateApp "app1".*declared at c1\/Late/);
  });

  test('an app added to a new chart after a synthesis, in the same turn, is checked by the next one', () => {
    const { app, charts: list } = charts(2);
    expect(synthError(list[0])).toBeUndefined();
    const late = new Chart(app, 'late');
    new kplus.k8s.KubeSecret(late, 'Mine', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    new HarborPrivateApp(late, 'app-late', { ...props, project: { name: 'p-late' } });
    expect(synthError(list[0])).toMatch(/\[late\] HarborPrivateApp "app-late".*declared at late\/Mine/);
  });

  test('apps of two cdk8s apps are checked apart', () => {
    const first = charts(1).charts[0];
    const second = charts(1).charts[0];
    new kplus.k8s.KubeSecret(second, 'Mine', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    expect(synthError(first)).toBeUndefined();
    expect(synthError(second)).toMatch(/\[c0\] HarborPrivateApp "app0".*declared at c0\/Mine/);
  });
});

describe('the scan is kept for one synthesis pass only', () => {
  test('a Secret added to the chart right after a synthesis, in the same turn, is found by the next one', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'coredns', props);
    expect(synthError(chart)).toBeUndefined();
    new kplus.k8s.KubeSecret(chart, 'Late', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    expect(synthError(chart)).toMatch(/clashes with Secret "registry-secret".*declared at test\/Late/);
  });

  test('a Secret nested in an existing construct is found by a synthesis in a later turn', async () => {
    const chart = Testing.chart();
    const holder = new kplus.k8s.KubeConfigMap(chart, 'Holder', { metadata: { name: 'x', namespace: 'kube-system' } });
    new HarborPrivateApp(chart, 'coredns', props);
    expect(synthError(chart)).toBeUndefined();
    await Promise.resolve();
    new kplus.k8s.KubeSecret(holder, 'Nested', { metadata: { name: 'registry-secret', namespace: 'kube-system' } });
    expect(synthError(chart)).toMatch(/declared at test\/Holder\/Nested/);
  });
});

describe('the checks keep no chart alive', () => {
  // A full garbage collection on demand (node's own flag, set for this worker only).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  /**
   * Whether `make`'s construct tree can be collected by a full collection that runs before any microtask queued by
   * `make` itself (the turn that validated it is over, the microtasks it queued are not run yet).
   */
  async function collectableBeforeItsMicrotasks(make: () => App): Promise<boolean> {
    let collected = false;
    const registry = new FinalizationRegistry<string>(() => {
      collected = true;
    });
    queueMicrotask(gc); // queued first: runs before those make queues
    registry.register(make(), 'app');
    // FinalizationRegistry callbacks run as tasks of their own: wait for a few, bounded (no clock involved).
    for (let i = 0; i < 50 && !collected; i++) await new Promise((resolve) => setImmediate(resolve));
    return collected;
  }

  test("a scratch app validated and dropped is collectable at once (as the Pulumi engine renders each component's workload)", async () => {
    const synthesizedAndDropped = (): App => {
      const app = new App();
      new HarborPrivateApp(new Chart(app, 'scratch'), 'coredns', props);
      expect(synthError(app.charts[0])).toBeUndefined();
      return app;
    };
    expect(await collectableBeforeItsMicrotasks(synthesizedAndDropped)).toBe(true);
  });

  test('the check itself: an app still referenced by a pending microtask is not collected', async () => {
    const held: App[] = [];
    const kept = (): App => {
      const app = new App();
      new HarborPrivateApp(new Chart(app, 'scratch'), 'coredns', props);
      expect(synthError(app.charts[0])).toBeUndefined();
      queueMicrotask(() => held.push(app));
      return app;
    };
    expect(await collectableBeforeItsMicrotasks(kept)).toBe(false);
    expect(held).toHaveLength(1);
  });
});

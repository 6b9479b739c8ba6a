/**
 * Pulumi mock-mode construction of `n` HarborPrivateApp components (lib/pulumi), the same apps as the
 * synthesis benchmark. Loaded lazily by bench/child.ts: @pulumi/pulumi is only paid for by Pulumi runs.
 */
import * as pulumi from '@pulumi/pulumi';
import { performance } from 'node:perf_hooks';
import { BENCH_REGISTRY_HOST, benchApp } from './fixtures';

type PulumiLib = typeof import('../lib/pulumi');

/** What one mock-mode run measured. */
export interface PulumiMockRun {
  /** Constructing the components (the synchronous part: validation, cdk8s rendering, registrations queued). */
  readonly constructMs: number;
  /** Waiting until every resource of every component is registered with the mock monitor. */
  readonly settleMs: number;
  /** Resources registered (components and children). */
  readonly registrations: number;
  /** Registrations by type token. */
  readonly byType: Readonly<Record<string, number>>;
}

/** Loads lib/pulumi, or explains why it cannot be used. */
/**
 * The i-th bench app as a Pulumi HarborPrivateApp (the same app as the cdk8s scenarios declare). Its Harbor login is
 * the stack configuration's (`bench:harborUsername`, `bench:harborPassword`; see {@link benchConfig}).
 */
export function benchPulumiApp(lib: PulumiLib, i: number): InstanceType<PulumiLib['HarborPrivateApp']> {
  const a = benchApp(i);
  return new lib.HarborPrivateApp(a.id, {
    registryHost: BENCH_REGISTRY_HOST,
    project: { name: a.project },
    members: [lib.HarborMember.user(a.member, lib.HarborRole.GUEST)],
    namespaces: [a.namespace],
    workload: { metadata: { name: a.deployment }, containers: [{ image: a.image }] },
  });
}

/** Sets the mock stack configuration the bench apps' connection reads (project `bench`). */
export function benchConfig(login: { url?: string; username: string; password: string }): Record<string, string> {
  const config: Record<string, string> = {
    'bench:harborUsername': login.username,
    'bench:harborPassword': login.password,
    ...(login.url !== undefined ? { 'bench:harborUrl': login.url } : {}),
  };
  pulumi.runtime.setAllConfig(config, ['bench:harborPassword']);
  return config;
}

export function loadPulumiLib(): PulumiLib {
  const lib = require('../lib/pulumi') as Partial<PulumiLib>;
  if (typeof lib.HarborPrivateApp !== 'function') {
    throw new Error('lib/pulumi/index.ts does not export HarborPrivateApp (yet)');
  }
  return lib as PulumiLib;
}

/**
 * Declares `n` components under `pulumi.runtime.setMocks` and waits until every child is registered.
 * The Harbor password is a placeholder: mocks never call Harbor.
 */
export async function runPulumiMockScenario(n: number): Promise<PulumiMockRun> {
  const lib = loadPulumiLib();
  const byType: Record<string, number> = {};
  let registrations = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations++;
        byType[args.type] = (byType[args.type] ?? 0) + 1;
        return {
          id: `${args.name}-id`,
          state: {
            ...args.inputs,
            projectId: 1,
            robotId: 1,
            fullName: `robot$bench+${args.name}`,
            secret: 'placeholder-not-a-secret',
          },
        };
      },
      call: (args) => args.inputs,
    },
    'bench',
    'bench',
    false,
  );

  benchConfig({ username: 'admin', password: 'placeholder-not-a-secret' });
  const t0 = performance.now();
  const apps: InstanceType<PulumiLib['HarborPrivateApp']>[] = [];
  for (let i = 0; i < n; i++) {
    apps.push(benchPulumiApp(lib, i));
  }
  const t1 = performance.now();
  await Promise.all(
    apps.map((app) =>
      settled([
        app.urn,
        app.projectId,
        app.robotSecret,
        app.robotFullName,
        ...app.members.map((m) => m.urn),
        ...app.kubernetesObjects.map((o) => o.urn),
      ]),
    ),
  );
  const t2 = performance.now();
  return { constructMs: t1 - t0, settleMs: t2 - t1, registrations, byType };
}

/** Resolves once every output has a value (known or not), i.e. its resource is registered. */
function settled(outputs: ReadonlyArray<pulumi.Output<unknown>>): Promise<void> {
  return new Promise((resolve) => {
    pulumi.all([...outputs]).apply(() => {
      resolve();
      return undefined;
    });
  });
}

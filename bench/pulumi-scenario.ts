/**
 * Pulumi mock-mode runs of the bench apps: `n` HarborPrivateApp components (lib/pulumi), or the hand-written program
 * that makes the same objects (bench/pulumi-baseline-scenario.ts), under the same mocks (bench/pulumi-mocks.ts).
 * Loaded lazily by bench/child.ts: @pulumi/pulumi is only paid for by Pulumi runs.
 */
import * as pulumi from '@pulumi/pulumi';
import { performance } from 'node:perf_hooks';
import { BENCH_REGISTRY_HOST, benchApp } from './fixtures';
import { INSTALLED_PULUMI_MODULE } from './pulumi-install';
import { benchMocks, BENCH_ROBOT_SECRET, MockRecord } from './pulumi-mocks';

type PulumiLib = typeof import('../lib/pulumi');

/** Where our side loads the library from: the package installed in the program's directory, or the repository. */
export type PulumiMode = 'installed' | 'source';

/** What one mock-mode run measured. */
export interface PulumiMockRun {
  /** Loading the program's modules (ours: the library and what it loads; baseline: @pulumi/kubernetes). */
  readonly loadMs: number;
  /** Declaring the resources (the synchronous part: validation, cdk8s rendering, registrations queued). */
  readonly constructMs: number;
  /** Waiting until every resource is registered with the mock monitor. */
  readonly settleMs: number;
  /** Resources registered (components and children). */
  readonly registrations: number;
  /** Registrations by type token. */
  readonly byType: Readonly<Record<string, number>>;
  /** Length of the longest serialized dynamic provider (`__provider`) registered, 0 for none. */
  readonly providerChars: number;
}

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

/** Loads the library: `harbor-private-app/pulumi` from the working directory (installed), or lib/pulumi. */
export function loadPulumiLib(mode: PulumiMode = 'source'): PulumiLib {
  const lib = (
    mode === 'installed'
      ? require(require.resolve(INSTALLED_PULUMI_MODULE, { paths: [process.cwd()] }))
      : require('../lib/pulumi')
  ) as Partial<PulumiLib>;
  if (typeof lib.HarborPrivateApp !== 'function') {
    throw new Error(
      `${mode === 'installed' ? INSTALLED_PULUMI_MODULE : 'lib/pulumi'} does not export HarborPrivateApp`,
    );
  }
  return lib as PulumiLib;
}

/** Declares app `i` and returns the outputs that resolve once all its resources are registered. */
type Declare = (i: number) => ReadonlyArray<pulumi.Output<unknown>>;

/**
 * The programs compared: HarborPrivateApp (`ours`), the minimal hand-written program (`baseline`), and the hand-written
 * program that registers what HarborPrivateApp registers (`same-registrations`).
 */
export type PulumiSide = 'ours' | 'baseline' | 'same-registrations';

/** Loads one side's modules and returns how it declares an app. */
export function loadSide(side: PulumiSide, mode: PulumiMode): Declare {
  if (side === 'same-registrations') {
    const { declareSameRegistrationsApp } =
      require('./pulumi-same-registrations-scenario') as typeof import('./pulumi-same-registrations-scenario');
    return declareSameRegistrationsApp;
  }
  if (side === 'baseline') {
    const { declareBaselinePulumiApp } =
      require('./pulumi-baseline-scenario') as typeof import('./pulumi-baseline-scenario');
    return (i) => declareBaselinePulumiApp(i).resources.map((r) => r.urn);
  }
  const lib = loadPulumiLib(mode);
  return (i) => {
    const app = benchPulumiApp(lib, i);
    return [
      app.urn,
      app.projectId,
      app.robotSecret,
      app.robotFullName,
      ...app.members.map((m) => m.urn),
      ...app.kubernetesObjects.map((o) => o.urn),
    ];
  };
}

/**
 * One side's program in mock mode: loads its modules (timed), declares `n` apps and waits until every resource is
 * registered. The Harbor password is a placeholder: mocks never call Harbor. `record.log`, when given, keeps every
 * registration (for the equivalence check).
 */
export async function runPulumiMockScenario(
  side: PulumiSide,
  n: number,
  mode: PulumiMode,
  record: MockRecord = { registrations: 0, byType: {} },
): Promise<PulumiMockRun> {
  let providerChars = 0;
  const t0 = performance.now();
  const declare = loadSide(side, mode);
  const t1 = performance.now();
  const mocks = benchMocks(record);
  await pulumi.runtime.setMocks(
    {
      ...mocks,
      newResource: (args) => {
        const p = (args.inputs as Record<string, unknown>).__provider;
        if (typeof p === 'string' && p.length > providerChars) providerChars = p.length;
        return mocks.newResource(args);
      },
    },
    'bench',
    'bench',
    false,
  );
  benchConfig({ username: 'admin', password: BENCH_ROBOT_SECRET });
  const t2 = performance.now();
  const waits: Array<ReadonlyArray<pulumi.Output<unknown>>> = [];
  for (let i = 0; i < n; i++) waits.push(declare(i));
  const t3 = performance.now();
  await Promise.all(waits.map(settled));
  const t4 = performance.now();
  return {
    loadMs: t1 - t0,
    constructMs: t3 - t2,
    settleMs: t4 - t3,
    registrations: record.registrations,
    byType: record.byType,
    providerChars,
  };
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

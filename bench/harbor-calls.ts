/**
 * Harbor API requests per lifecycle operation of the Pulumi engine's dynamic providers (lib/pulumi), counted
 * by the lab's Harbor emulator (test/lab/harbor-emulator.ts), which also checks every request against
 * Harbor's swagger.
 *
 * There is no Pulumi CLI here, so the engine is played by this file: the component is constructed under
 * `pulumi.runtime.setMocks` to capture the exact inputs of its Harbor resources (project, member, robot),
 * then the providers are called the way the engine calls them, each resource's inputs through its provider's `check`
 * first: `create` in dependency order; an unchanged
 * `pulumi up` = `diff` of every resource against its state (and `update` only where `diff` reports a change);
 * `pulumi refresh` = `read` of every resource; `pulumi destroy` = `delete` in reverse order.
 * Kubernetes objects are not counted (they do not talk to Harbor).
 *
 * Runs under ts-node from the repository (the emulator finds Harbor's swagger relative to its own file).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as pulumi from '@pulumi/pulumi';
import type { dynamic } from '@pulumi/pulumi';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { harborMemberProvider, harborProjectProvider, harborRobotProvider } from '../lib/pulumi/dynamic-provider';
import { HarborEmulator, startEmulatorServer } from '../test/lab/harbor-emulator';
import { benchApp } from './fixtures';
import { benchConfig, benchPulumiApp, loadPulumiLib } from './pulumi-scenario';

/** The operations counted. */
export const HARBOR_OPERATIONS = ['create', 'update-unchanged', 'refresh', 'destroy'] as const;
export type HarborOperation = (typeof HARBOR_OPERATIONS)[number];

/** Requests one operation made, for all apps together. */
export interface HarborOperationCount {
  readonly requests: number;
  readonly writes: number;
  /** Requests by `METHOD /route` (names and ids replaced by placeholders). */
  readonly routes: Readonly<Record<string, number>>;
  readonly ms: number;
}

interface CapturedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** Counts Harbor requests of create, unchanged update, refresh and destroy of `n` apps. */
export async function countHarborRequests(n: number): Promise<Record<HarborOperation, HarborOperationCount>> {
  const lib = loadPulumiLib();
  const providers = providersByType();
  const adminPassword = randomBytes(12).toString('hex');
  const emulator = new HarborEmulator({ adminPassword });
  const server = await startEmulatorServer(emulator);
  try {
    for (let i = 0; i < n; i++) emulator.addUser(benchApp(i).member);
    const resources = await captureHarborResources(lib, n, server.url, adminPassword);
    // The dynamic provider host's configure(): the stack configuration, from which the providers read the login.
    const raw = benchConfig({ url: server.url, username: 'admin', password: adminPassword });
    const config = new DynamicProviderConfig(raw, 'bench');
    for (const provider of new Set(Object.values(providers))) await provider.configure?.({ config });
    const missing = resources.filter((r) => !providers[r.type]);
    if (missing.length)
      throw new Error(
        `bench: no provider known for ${missing.map((r) => r.type).join(', ')}; update bench/harbor-calls.ts`,
      );

    const state = new Map<CapturedResource, { id: string; outs: Record<string, unknown> }>();
    const phase = async (fn: () => Promise<void>): Promise<HarborOperationCount> => {
      emulator.resetLog();
      const t0 = performance.now();
      await fn();
      const ms = performance.now() - t0;
      const routes: Record<string, number> = {};
      for (const r of emulator.requests) {
        const key = `${r.method} ${route(r.path)}`;
        routes[key] = (routes[key] ?? 0) + 1;
      }
      return { requests: emulator.requests.length, writes: emulator.writes(), routes, ms };
    };

    // The engine's Check before every diff and create: the provider fills in the defaults of the args left unset.
    const checked = async (r: CapturedResource): Promise<Record<string, unknown>> => {
      const check = providers[r.type].check;
      return check ? ((await check.call(providers[r.type], {}, r.inputs)).inputs ?? r.inputs) : r.inputs;
    };
    const create = await phase(async () => {
      for (const r of resources) {
        const created = await providers[r.type].create(await checked(r));
        state.set(r, { id: created.id, outs: created.outs ?? {} });
      }
    });
    const update = await phase(async () => {
      for (const r of resources) {
        const s = state.get(r)!;
        const inputs = await checked(r);
        const diff = await providers[r.type].diff!(s.id, s.outs, inputs);
        if (diff.changes) {
          const updated = await providers[r.type].update!(s.id, s.outs, inputs);
          state.set(r, { id: s.id, outs: updated.outs ?? s.outs });
        }
      }
    });
    const refresh = await phase(async () => {
      for (const r of resources) {
        const s = state.get(r)!;
        const read = await providers[r.type].read!(s.id, s.outs);
        if (!read.props)
          throw new Error(`bench: refresh of ${r.type} ${r.name} found nothing in the emulator right after create`);
        state.set(r, { id: read.id ?? s.id, outs: read.props });
      }
    });
    const destroy = await phase(async () => {
      for (const r of [...resources].reverse()) {
        const s = state.get(r)!;
        await providers[r.type].delete!(s.id, s.outs);
      }
    });
    const left = emulator.state();
    if (emulator.contractViolations.length) {
      throw new Error(
        `bench: the emulator saw requests that break Harbor's swagger:\n  ${emulator.contractViolations.join('\n  ')}`,
      );
    }
    if (left.projects.length || left.robots.length) {
      throw new Error(
        `bench: destroy left ${left.projects.length} project(s) and ${left.robots.length} robot(s) in the emulator`,
      );
    }
    return { create, 'update-unchanged': update, refresh, destroy };
  } finally {
    await server.close();
  }
}

/** The provider object the engine would call for each Harbor resource type: the dynamic-provider entry point's. */
function providersByType(): Readonly<Record<string, dynamic.ResourceProvider>> {
  return {
    'pulumi-nodejs:dynamic/harbor:Project': harborProjectProvider,
    'pulumi-nodejs:dynamic/harbor:ProjectMember': harborMemberProvider,
    'pulumi-nodejs:dynamic/harbor:RobotAccount': harborRobotProvider,
  };
}

/** Constructs the components under mocks and records the inputs of their Harbor resources, in registration order. */
async function captureHarborResources(
  lib: ReturnType<typeof loadPulumiLib>,
  n: number,
  url: string,
  password: string,
): Promise<CapturedResource[]> {
  const captured: CapturedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        // A robot's login (RobotLogin) makes no Harbor request (a pull check that passes asks the registry only):
        // left out.
        const noHarborCall = args.type.endsWith(':RobotLogin');
        if (args.type.startsWith('pulumi-nodejs:dynamic/') && !noHarborCall) {
          const { __provider: _ignored, ...inputs } = args.inputs as Record<string, unknown>;
          captured.push({ type: args.type, name: args.name, inputs: unwrapSecrets(inputs) as Record<string, unknown> });
        }
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'bench',
    'bench',
    false,
  );
  benchConfig({ url, username: 'admin', password });
  const apps = [];
  for (let i = 0; i < n; i++) {
    apps.push(benchPulumiApp(lib, i));
  }
  await Promise.all(
    apps.map(
      (app) =>
        new Promise<void>((resolve) => {
          pulumi
            .all([
              app.urn,
              app.robotSecret,
              ...app.members.map((m) => m.urn),
              ...app.kubernetesObjects.map((o) => o.urn),
            ])
            .apply(() => resolve());
        }),
    ),
  );
  // Dependency order: every project before its members, members before the robot (as the component declares).
  const rank = (t: string) => (t.endsWith(':Project') ? 0 : t.endsWith(':ProjectMember') ? 1 : 2);
  return captured.sort((a, b) => rank(a.type) - rank(b.type));
}

/** The engine hands dynamic providers plain values: the mock monitor still shows secrets wrapped. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** A request path as a route: `/api/v2.0` dropped, project names and ids replaced by placeholders. */
export function route(path: string): string {
  return path
    .replace(/^\/api\/v2\.0/, '')
    .replace(/\/projects\/[^/]+/, '/projects/{project}')
    .replace(/\/members\/\d+/, '/members/{mid}')
    .replace(/\/robots\/\d+/, '/robots/{id}');
}

/**
 * Plays the Pulumi engine's part for the dynamic providers (there is no Pulumi CLI here): create in dependency order,
 * an `up` without changes (diff, and update only where diff reports a change), refresh (read; an empty answer drops
 * the resource), destroy in reverse order, and a preview. Inputs are the plain values the provider host hands the
 * provider: as the program registers them (docs/pulumi-state.md), completed by the provider's `check` as the engine
 * calls it; a resource's inputs that come from another
 * resource's outputs are derived from that one's state. Hand it a {@link hostRun} (./serialized.ts) to run the calls
 * through Pulumi's own dynamic provider host; an in-process provider's results are checked to cross the wire
 * unchanged (./wire-check.ts).
 */
import type { dynamic } from '@pulumi/pulumi';
import type { HarborLogin, HarborTarget } from '../../../lib/pulumi/providers/connection';
import { CONNECTION_TUNING_KEYS } from '../../../lib/harbor/tuning';
import { UNKNOWN } from '../../../lib/pulumi/providers/robot-login-provider';
import { wireChecked } from './wire-check';
import { type HarborKind, kindOf } from './kinds';
import type { ProviderTexts } from './serialized';

/** The state of a resource as another one's inputs see it (`undefined` fields are unknown). */
export interface ResourceState {
  readonly id?: string;
  readonly outs?: Record<string, any>;
}

/** One Harbor resource of a stack: its kind's inputs and, once created, its state. */
export interface StackResource {
  readonly name: string;
  inputs: Record<string, any>;
  id?: string;
  outs?: Record<string, any>;
  /** Inputs taken from other resources' state (by name), as the engine resolves outputs into inputs. */
  readonly derive?: (state: (name: string) => ResourceState | undefined) => Record<string, any>;
}

/** Sets the derived inputs of `r` from the others' current state. */
function resolveInputs(r: StackResource, resources: StackResource[]): void {
  if (r.derive) r.inputs = r.derive((name) => resources.find((o) => o.name === name));
}

/**
 * The robot login's inputs: the robot resource's id, full name, secret and expiry (unknown while it has none).
 */
export function robotLoginInputs(robot: ResourceState | undefined): Record<string, any> {
  return {
    robotResourceId: robot?.id ?? UNKNOWN,
    fullName: robot?.outs?.fullName ?? UNKNOWN,
    secret: robot?.outs?.secret ?? UNKNOWN,
    expiresAt: robot?.outs?.expiresAt ?? UNKNOWN,
  };
}

/** The stack configuration keys of the tests' Harbor login, as `HarborConnection.fromConfig()` names them in project "example". */
export const TEST_LOGIN_CONFIG = 'example:harbor';

/** The target the resources store for `login`: its URL and tuning, and {@link TEST_LOGIN_CONFIG}. */
export function targetOf(login: Omit<HarborLogin, 'username' | 'password'>): HarborTarget {
  const tuning = Object.fromEntries(
    CONNECTION_TUNING_KEYS.filter((k) => login[k] !== undefined).map((k) => [k, login[k]]),
  );
  return { url: login.url, config: TEST_LOGIN_CONFIG, ...tuning };
}

/** The stack configuration that holds `login` under {@link TEST_LOGIN_CONFIG} (what a host run is configured with). */
export function loginConfig(login: Pick<HarborLogin, 'username' | 'password' | 'caBundle'>): Record<string, string> {
  return {
    [`${TEST_LOGIN_CONFIG}Username`]: login.username,
    [`${TEST_LOGIN_CONFIG}Password`]: login.password,
    ...(login.caBundle !== undefined ? { [`${TEST_LOGIN_CONFIG}CaBundle`]: login.caBundle } : {}),
  };
}

/**
 * The Harbor resources of the seed's coredns as HarborPrivateApp declares them: project, member, robot and the robot's
 * login, each naming Harbor by `harbor` (no credential).
 */
export function seedStack(
  harbor: HarborTarget,
  overrides: { adopt?: boolean; providers?: ProviderTexts } = {},
): StackResource[] {
  const texts = overrides.providers;
  const provider = (kind: HarborKind) => (texts !== undefined ? { __provider: texts[kind] } : {});
  const loginProvider = provider('robotLogin');
  const resources: StackResource[] = seedResources(harbor, { adopt: overrides.adopt }).map((r) => {
    const inputs: Record<string, any> = { ...r.inputs, ...provider(kindOf(r.inputs)) };
    if (r.name === 'member' || r.name === 'robot') inputs.adopt = false;
    return { name: r.name, inputs };
  });
  resources.push({
    name: 'robotLogin',
    inputs: {},
    derive: (state) => ({ ...robotLoginInputs(state('robot')), ...loginProvider }),
  });
  return resources;
}

/**
 * The Harbor resources of the seed's coredns (project, member, robot), as HarborPrivateApp declares them and their
 * provider receives them (the args the props set, with the defaults the provider's check fills in; no storage quota:
 * the seed leaves it to Harbor), in the Harbor of `location` (a target, or a login: its {@link targetOf}; the host run
 * then needs {@link loginConfig}).
 */
export function seedResources(
  location: HarborTarget | HarborLogin,
  overrides: { adopt?: boolean; forceDestroy?: boolean } = {},
): StackResource[] {
  const harbor = 'config' in location ? location : targetOf(location);
  return [
    {
      name: 'project',
      inputs: {
        harbor,
        name: 'k8s',
        public: false,
        autoScan: true,
        preventVulnerableImages: false,
        adopt: overrides.adopt ?? false,
        forceDestroy: overrides.forceDestroy ?? false,
      },
    },
    {
      name: 'member',
      inputs: {
        harbor,
        project: 'k8s',
        kind: 'user',
        entityName: 'k8s-puller',
        role: 'guest',
      },
    },
    {
      name: 'robot',
      inputs: {
        harbor,
        project: 'k8s',
        name: 'coredns-pull',
        description: 'Pull secret of coredns, managed by harbor-private-app',
        durationDays: -1,
        permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
      },
    },
  ];
}

/**
 * The engine's Check, before every diff and create: the inputs the provider's `check` returns (the defaults of the
 * args the program left unset filled in), which the engine hands on and stores.
 */
async function checked(provider: dynamic.ResourceProvider, inputs: Record<string, any>): Promise<Record<string, any>> {
  return provider.check ? ((await provider.check({}, inputs)).inputs ?? inputs) : inputs;
}

/** `pulumi up` on an empty stack. */
export async function create(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<void> {
  provider = wireChecked(provider);
  for (const r of resources) {
    resolveInputs(r, resources);
    const result = await provider.create(await checked(provider, r.inputs));
    r.id = result.id;
    r.outs = result.outs;
  }
}

/** What the engine learns from `diff` for each resource. */
export type DiffReport = Record<string, dynamic.DiffResult>;

/** `pulumi up` on an existing stack: diff each, update the changed ones (replacements are reported, not run). */
export async function up(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<DiffReport> {
  provider = wireChecked(provider);
  const report: DiffReport = {};
  for (const r of resources) {
    resolveInputs(r, resources);
    const inputs = await checked(provider, r.inputs);
    const diff = await provider.diff!(r.id!, r.outs, inputs);
    report[r.name] = diff;
    if (diff.changes && !diff.replaces?.length) {
      const result = await provider.update!(r.id!, r.outs, inputs);
      r.outs = result.outs;
    }
  }
  return report;
}

/** `pulumi refresh`: read each; a resource that reads as empty is dropped from the stack. */
export async function refresh(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<string[]> {
  provider = wireChecked(provider);
  const dropped: string[] = [];
  for (const r of resources) {
    if (!r.id) continue;
    const result = await provider.read!(r.id, r.outs);
    if (!result.id) {
      dropped.push(r.name);
      r.id = undefined;
      r.outs = undefined;
    } else {
      r.id = result.id;
      r.outs = result.props;
    }
  }
  return dropped;
}

/** `pulumi destroy`: delete in reverse order. */
export async function destroy(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<void> {
  provider = wireChecked(provider);
  for (const r of [...resources].reverse()) {
    if (r.id) await provider.delete!(r.id, r.outs);
    r.id = undefined;
    r.outs = undefined;
  }
}

/**
 * `pulumi preview` of an existing stack: each resource's diff, with the state the engine would show for it and hand to
 * the resources that take its outputs: unchanged, its outputs; updated in place, its NEW INPUTS as outputs and its id
 * kept (a dynamic provider supports no preview of updates: sdk/go/common/resource/plugin/provider_plugin.go `Update`;
 * pkg/resource/deploy/step.go `UpdateStep.Apply` propagates the id); replaced, its inputs and no id. Nothing is written.
 * @returns each resource's diff and the state it would show
 */
export async function preview(
  provider: dynamic.ResourceProvider,
  resources: StackResource[],
): Promise<Record<string, { diff: dynamic.DiffResult; state: ResourceState }>> {
  provider = wireChecked(provider);
  const planned = new Map<string, ResourceState>();
  const report: Record<string, { diff: dynamic.DiffResult; state: ResourceState }> = {};
  for (const r of resources) {
    const inputs = await checked(provider, r.derive ? r.derive((name) => planned.get(name)) : r.inputs);
    const diff = await provider.diff!(r.id!, r.outs, inputs);
    const state: ResourceState = !diff.changes
      ? { id: r.id, outs: r.outs }
      : diff.replaces?.length
        ? { outs: { ...inputs } }
        : { id: r.id, outs: { ...inputs } };
    planned.set(r.name, state);
    report[r.name] = { diff, state };
  }
  return report;
}

/** The resource of `stack` called `name`. */
export function findResource(stack: readonly StackResource[], name: string): StackResource {
  const found = stack.find((r) => r.name === name);
  if (!found) throw new Error(`no resource "${name}" in the stack: ${stack.map((r) => r.name).join(', ')}`);
  return found;
}

/**
 * The error a promise rejects with; fails when it resolves. Duck-typed: errors from Pulumi's provider host, or from a
 * provider loaded in another realm, are no `instanceof Error` here.
 */
export function failure(p: Promise<unknown>): Promise<{ message: string }> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: { message: string }) => e,
  );
}

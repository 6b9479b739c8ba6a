/**
 * Pulumi mocks for the component tests: every registration recorded with its type, name, parent URN, direct
 * dependencies, additionalSecretOutputs and inputs (as the mock monitor deserializes them: a secret input shows up as
 * `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`).
 */
import { randomBytes } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

/** Pulumi's wire marker of a secret value (runtime/rpc.ts `specialSigKey` / `specialSecretSig`). */
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** One registration the mocks saw. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** The parent's URN ('' for the stack's children). */
  readonly parent: string;
  /** URNs this resource depends on directly (dependsOn and the resources its inputs come from). */
  readonly dependencies: string[];
  readonly additionalSecretOutputs: string[];
  /** The provider reference (`<provider urn>::<provider id>`), '' for the default provider. */
  readonly provider: string;
  /**
   * The aliases the SDK sent (alias specs: the engine resolves them, and derives children's aliases from their
   * parent's): `{ name }` for a spec that renames, `{ urn }` for a URN alias.
   */
  readonly aliases: ReadonlyArray<{ readonly name?: string; readonly urn?: string }>;
  /** Inputs as the monitor received them (secrets wrapped in the signature object). */
  readonly inputs: Record<string, any>;
  /** The URN the mock gave it. */
  readonly urn: string;
}

/** True when a recorded input value is a Pulumi secret. */
export function isSecretInput(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** A recorded input with its secret wrappers removed (recursively). */
export function unwrapSecrets(v: any): any {
  if (isSecretInput(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

/** The values the mocked Harbor "returns"; the robot secret is random per test run. */
export const MOCK_HARBOR = {
  projectId: 42,
  robotSecret: `mock-${randomBytes(12).toString('hex')}`,
};

/** What the monitor saw of each resource being registered, by `type::name`, until the mock's newResource() takes it. */
export type PendingRequests = Map<string, Omit<Registration, 'inputs' | 'urn'>>;

/**
 * The mock monitor's newResource() does not see the parent, the dependencies, additionalSecretOutputs or the
 * provider: wraps the monitor (call right after setMocks) to record them from each request into `pending`, and to
 * fill in the URN of the matching registration once the monitor answers.
 */
export function recordRegistrationRequests(
  pending: PendingRequests,
  registrations: Array<{ type: string; name: string; urn: string }>,
): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    pending.set(`${req.getType()}::${req.getName()}`, {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      provider: req.getProvider(),
      aliases: (req.getAliasesList() as any[]).map((a) =>
        a.getUrn() ? { urn: a.getUrn() as string } : { name: (a.getSpec()?.getName() as string) || undefined },
      ),
    });
    return original(req, (err: unknown, resp: any) => {
      const reg = registrations.find((r) => r.type === req.getType() && r.name === req.getName() && r.urn === '?');
      if (reg && resp) (reg as { urn: string }).urn = resp.getUrn();
      (cb as (e: unknown, r: unknown) => void)(err, resp);
    });
  };
}

/** Takes (and forgets) what the monitor recorded of the resource the mock is asked to create. */
export function takeRequest(
  pending: PendingRequests,
  args: pulumi.runtime.MockResourceArgs,
): Omit<Registration, 'inputs' | 'urn'> {
  const key = `${args.type}::${args.name}`;
  const meta = pending.get(key);
  pending.delete(key);
  return (
    meta ?? {
      type: args.type,
      name: args.name,
      custom: args.custom ?? false,
      parent: '?',
      dependencies: [],
      additionalSecretOutputs: [],
      provider: '?',
      aliases: [],
    }
  );
}

/**
 * Installs the mocks and returns the live list of registrations. Dynamic Harbor resources get outputs as Harbor
 * would give them (project id, member id, the robot's full name `robot$<project>+<name>` and a random secret; a robot
 * that never expires and is enabled, unless `robot` says otherwise).
 */
export function installMocks(
  options: { readonly robot?: { readonly expiresAt?: number; readonly disabled?: boolean } } = {},
): Registration[] {
  const registrations: Registration[] = [];
  const pending: PendingRequests = new Map();
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        registrations.push({
          ...takeRequest(pending, args),
          inputs: args.inputs,
          urn: '?',
        });
        const state: Record<string, unknown> = { ...args.inputs };
        const spec = args.inputs as Record<string, unknown>;
        if (args.type === 'pulumi-nodejs:dynamic/harbor:Project')
          Object.assign(state, { projectId: MOCK_HARBOR.projectId, created: !spec.adopt });
        if (args.type === 'pulumi-nodejs:dynamic/harbor:ProjectMember') Object.assign(state, { memberId: 7 });
        if (args.type === 'pulumi-nodejs:dynamic/harbor:RobotRotation')
          Object.assign(state, { generation: 0, startedAt: Date.now() });
        if (args.type === 'pulumi-nodejs:dynamic/harbor:RobotAccount') {
          Object.assign(state, {
            robotId: 9,
            fullName: `robot$${unwrapSecrets(spec.project)}+${unwrapSecrets(spec.name)}`,
            secret: MOCK_HARBOR.robotSecret,
            expiresAt: options.robot?.expiresAt ?? -1,
            disabled: options.robot?.disabled ?? false,
          });
        }
        return { id: args.custom ? `${args.name}-id` : undefined, state };
      },
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
    },
    'project',
    'stack',
    false,
  );
  recordRegistrationRequests(pending, registrations);
  return registrations;
}

/**
 * The value of an Output. Under mocks an Output whose value is unknown never resolves: this fails after `ms` with a
 * message naming `what` instead of hanging until jest's timeout.
 */
export function promiseOf<T>(output: pulumi.Output<T> | pulumi.Input<T>, what: string, ms = 120_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `timed out after ${ms} ms waiting for the value of ${what} (unknown under mocks, or never registered?)`,
          ),
        ),
      ms,
    );
    pulumi.output(output).apply((v) => {
      clearTimeout(timer);
      resolve(v as T);
      return v;
    });
  });
}

/** Whether an Output is a secret, with the same timeout guard. */
export function isSecretOutput(output: pulumi.Output<unknown>, what: string, ms = 120_000): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms asking whether ${what} is a secret`)),
      ms,
    );
    pulumi.isSecret(output).then((s) => {
      clearTimeout(timer);
      resolve(s);
    }, reject);
  });
}

/** Waits until every registration and output registration has gone through the mock monitor. */
export async function settled(what: string, ms = 150_000): Promise<void> {
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs(this: void): Promise<void> }).waitForRPCs;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    waitForRPCs(),
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for the registrations of ${what}`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

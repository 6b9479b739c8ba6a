/**
 * While HarborPrivateApp declares its resources, Pulumi's leak-debugging stack traces (one per promise behind every
 * output) stay empty: Error.stackTraceLimit is 0 in that window, unless PULUMI_DEBUG_PROMISE_LEAKS is set or resource
 * transformations run inside the constructor. Source positions are still taken, the limit is restored after the
 * component (also when it throws), and an error thrown inside the window carries a stack trace that leads to the
 * program's `new HarborPrivateApp(...)`.
 */
import { App, Chart } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { corednsAppProps } from '../../apps/cdk8s/coredns';
import { HarborPrivateApp } from '../../lib/pulumi';
import * as kubernetesObjects from '../../lib/pulumi/component/kubernetes-objects';
import { PULUMI_DEBUG_PROMISE_LEAKS, quietPromiseStacks } from '../../lib/pulumi/component/promise-stacks';
import { installMocks, settled } from './support/mocks';

installMocks();
beforeAll(() => {
  // The default connection reads the Harbor login from the stack configuration (made up; mocks never call Harbor).
  pulumi.runtime.setAllConfig(
    { 'project:harborUsername': 'admin', 'project:harborPassword': 'placeholder-not-a-password' },
    ['project:harborPassword'],
  );
});

/** What the component's code saw while it declared a Kubernetes object. */
interface Seen {
  readonly limit: number;
  /** Frames Pulumi's Resource.callsites() found (what it takes source positions from). */
  readonly callsites: number;
  /** Lines of a stack trace taken there. */
  readonly stackLines: number;
}

const callsites = (): unknown[] => (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites();
const appProps = () => corednsAppProps(new Chart(new App(), 'scratch'));

/** Declares an app and records, at each Kubernetes object it declares, what the component's code saw. */
function declare(name: string, opts: pulumi.ComponentResourceOptions = {}): Seen[] {
  const seen: Seen[] = [];
  const original = kubernetesObjects.kubernetesResource;
  const spy = jest.spyOn(kubernetesObjects, 'kubernetesResource').mockImplementation((...args) => {
    seen.push({
      limit: Error.stackTraceLimit,
      callsites: callsites().length,
      stackLines: (new Error().stack ?? '').split('\n').length,
    });
    return original(...args);
  });
  try {
    new HarborPrivateApp(name, appProps(), opts);
  } finally {
    spy.mockRestore();
  }
  return seen;
}

const before = Error.stackTraceLimit;
afterEach(() => {
  delete process.env[PULUMI_DEBUG_PROMISE_LEAKS];
  jest.restoreAllMocks();
  expect(Error.stackTraceLimit).toBe(before);
});

test('inside the component the limit is 0; Pulumi still takes source positions; after it, the limit is restored', async () => {
  const seen = declare('quiet');
  await settled('quiet');
  expect(seen.length).toBeGreaterThanOrEqual(2); // the pull Secret and the Deployment
  for (const s of seen) {
    expect([s.limit, s.stackLines]).toEqual([0, 1]);
    expect(s.callsites).toBeGreaterThan(5);
  }
  expect(Error.stackTraceLimit).toBe(before);
  expect(before).toBeGreaterThan(0);
});

test('with PULUMI_DEBUG_PROMISE_LEAKS set, nothing changes', async () => {
  process.env[PULUMI_DEBUG_PROMISE_LEAKS] = '1';
  const seen = declare('debugging');
  await settled('debugging');
  expect(seen.length).toBeGreaterThanOrEqual(2);
  for (const s of seen) expect([s.limit, s.stackLines > 2]).toEqual([before, true]);
});

test('with resource transformations (given or inherited), no window: their code and errors keep their stack traces', async () => {
  const limits: number[] = [];
  const spy: pulumi.ResourceTransformation = () => {
    limits.push(Error.stackTraceLimit);
    return undefined;
  };
  const seen = declare('transformed', { transformations: [spy] });
  await settled('transformed');
  expect(limits.length).toBeGreaterThan(5);
  expect(new Set(limits)).toEqual(new Set([before]));
  expect(seen.length).toBeGreaterThanOrEqual(2);
  for (const s of seen) expect(s.limit).toBe(before);

  function rejectRobots(args: pulumi.ResourceTransformationArgs): undefined {
    if (args.type.endsWith(':RobotAccount')) throw new Error('robots need an owner label');
    return undefined;
  }
  class Platform extends pulumi.ComponentResource {
    constructor(name: string) {
      super('test:index:Platform', name, {}, { transformations: [rejectRobots] });
    }
  }
  const platform = new Platform('platform');
  let thrown: Error | undefined;
  try {
    new HarborPrivateApp('inherits', appProps(), { parent: platform });
  } catch (e) {
    thrown = e as Error;
  }
  expect(thrown?.message).toBe('robots need an owner label');
  expect(thrown?.stack).toMatch(/\n\s+at rejectRobots /);
});

test("an error thrown inside the window restores the limit and leads to the program's new HarborPrivateApp", () => {
  jest.spyOn(kubernetesObjects, 'kubernetesResource').mockImplementation(() => {
    throw new Error('boom inside the window');
  });
  let thrown: Error | undefined;
  try {
    new HarborPrivateApp('throws', appProps());
  } catch (e) {
    thrown = e as Error;
  }
  expect(thrown?.message).toBe('boom inside the window');
  expect(thrown?.stack).toMatch(/^Error: boom inside the window\n\s+at .*promise-stacks\.test\.ts:\d+:\d+/);
  expect(Error.stackTraceLimit).toBe(before);
});

test('a frozen error thrown inside the window is thrown as it is', () => {
  const frozen: Error = Object.freeze(new Error('frozen'));
  jest.spyOn(kubernetesObjects, 'kubernetesResource').mockImplementation(() => {
    throw frozen;
  });
  expect(() => new HarborPrivateApp('frozen', appProps())).toThrow(frozen);
  expect(Error.stackTraceLimit).toBe(before);
});

test('the closer is idempotent and leaves errors that have a stack trace alone', () => {
  const loud = quietPromiseStacks();
  expect(Error.stackTraceLimit).toBe(0);
  loud();
  const withStack = new Error('made after the window');
  const stack = withStack.stack;
  loud(withStack);
  loud();
  expect(withStack.stack).toBe(stack);
  expect(Error.stackTraceLimit).toBe(before);
});

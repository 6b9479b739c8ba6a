/**
 * While HarborPrivateApp declares its resources, Pulumi's leak-debugging stack traces (one per promise behind every
 * output) stay empty, unless PULUMI_DEBUG_PROMISE_LEAKS is set; nothing else Pulumi shows changes: source positions
 * are still taken, the limit is restored after the component (also when it throws), and an error thrown inside the
 * window carries a stack trace.
 */
import { App, Chart } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { corednsAppProps } from '../../apps/cdk8s/coredns';
import { HarborPrivateApp } from '../../lib/pulumi';
import { PULUMI_DEBUG_PROMISE_LEAKS, quietPromiseStacks } from '../../lib/pulumi/promise-stacks';
import { installMocks, settled } from './support/mocks';

installMocks();
beforeAll(() => {
  // The default connection reads the Harbor login from the stack configuration (made up; mocks never call Harbor).
  pulumi.runtime.setAllConfig(
    { 'project:harborUsername': 'admin', 'project:harborPassword': 'placeholder-not-a-password' },
    ['project:harborPassword'],
  );
});

/** What a child resource's constructor saw: the stack trace limit and how many source positions Pulumi could take. */
interface Seen {
  readonly type: string;
  readonly limit: number;
  readonly callsites: number;
  readonly stackLines: number;
}

function declare(name: string, extra: Partial<pulumi.ComponentResourceOptions> = {}): Seen[] {
  const seen: Seen[] = [];
  // A transformation runs synchronously inside each child resource's constructor, as Pulumi registers it.
  const spy: pulumi.ResourceTransformation = (args) => {
    const callsites = (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites();
    seen.push({
      type: args.type,
      limit: Error.stackTraceLimit,
      callsites: callsites.length,
      stackLines: (new Error().stack ?? '').split('\n').length,
    });
    return undefined;
  };
  new HarborPrivateApp(name, corednsAppProps(new Chart(new App(), 'scratch')), {
    transformations: [spy, ...((extra.transformations as pulumi.ResourceTransformation[]) ?? [])],
  });
  return seen;
}

const before = Error.stackTraceLimit;
afterEach(() => {
  delete process.env[PULUMI_DEBUG_PROMISE_LEAKS];
  expect(Error.stackTraceLimit).toBe(before);
});

test('inside the component the limit is 0; Pulumi still takes source positions; after it, the limit is restored', async () => {
  const seen = declare('quiet');
  await settled('quiet');
  expect(seen.map((s) => s.type)).toEqual(
    expect.arrayContaining([
      'pulumi-nodejs:dynamic/harbor:Project',
      'pulumi-nodejs:dynamic/harbor:PullCheck',
      'kubernetes:apps/v1:Deployment',
    ]),
  );
  for (const s of seen) {
    expect([s.type, s.limit, s.stackLines]).toEqual([s.type, 0, 1]);
    expect(s.callsites).toBeGreaterThan(5);
  }
  expect(Error.stackTraceLimit).toBe(before);
  expect(before).toBeGreaterThan(0);
});

test('with PULUMI_DEBUG_PROMISE_LEAKS set, nothing changes', async () => {
  process.env[PULUMI_DEBUG_PROMISE_LEAKS] = '1';
  const seen = declare('debugging');
  await settled('debugging');
  expect(seen.length).toBeGreaterThan(5);
  for (const s of seen) expect([s.type, s.limit, s.stackLines > 2]).toEqual([s.type, before, true]);
});

test('an error thrown inside the window restores the limit and carries a stack trace', () => {
  const boom: pulumi.ResourceTransformation = (args) => {
    if (args.type.endsWith(':RobotAccount')) throw new Error('boom from a transformation');
    return undefined;
  };
  let thrown: unknown;
  try {
    declare('throws', { transformations: [boom] });
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(Error);
  expect((thrown as Error).message).toBe('boom from a transformation');
  expect((thrown as Error).stack).toMatch(/^Error: boom from a transformation\n\s+at /);
  expect(Error.stackTraceLimit).toBe(before);
});

test('the closer is idempotent and a no-op for errors that have their stack', () => {
  const loud = quietPromiseStacks();
  expect(Error.stackTraceLimit).toBe(0);
  const withStack = (() => {
    loud();
    return new Error('made after the window');
  })();
  const stack = withStack.stack;
  loud(withStack);
  loud();
  expect(withStack.stack).toBe(stack);
  expect(Error.stackTraceLimit).toBe(before);
});

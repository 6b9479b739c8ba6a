/**
 * `pulumi refresh` and `pulumi destroy` run the providers with the configuration the last `pulumi up` stored (the
 * default provider's inputs in the state), not the current one, unless `--run-program`: played by the live engine
 * (support/live-engine.ts `refreshAll`, `destroyAll`), every provider call through Pulumi's own dynamic provider host,
 * against the lab's Harbor emulator. The day-2 story of a rotated Harbor admin password, end to end: what fails,
 * what it says, and the two ways out.
 */
import { randomBytes } from 'node:crypto';
import { HarborMember, HarborRole } from '../../lib/core';
import { HarborPrivateApp } from '../../lib/pulumi';
import { STORED_CONFIGURATION_HINT } from '../../lib/pulumi/providers/boundary';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { installLiveEngine } from './support/live-engine';

jest.setTimeout(240_000);

const engine = installLiveEngine();
const password = (): string => `Pw-${randomBytes(9).toString('hex')}`;
const passwordA = password();
const passwordB = password();
let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };

const configWith = (pw: string): Record<string, string> => ({
  'project:harborUrl': server.url,
  'project:harborUsername': 'admin',
  'project:harborPassword': pw,
});
const app = (): HarborPrivateApp =>
  new HarborPrivateApp('coredns', {
    registryHost: 'reg.harbor.com',
    project: { name: 'k8s' },
    namespaces: ['kube-system'],
    members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
    workload: { metadata: { name: 'coredns' }, containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }] },
    preflight: { pull: false },
  });
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );

beforeAll(async () => {
  emulator = new HarborEmulator({ adminPassword: passwordA });
  emulator.addUser('k8s-puller');
  server = await startEmulatorServer(emulator);
  engine.setConfig(configWith(passwordA), ['project:harborPassword']);
  app();
  await engine.settled('the first up');
  expect(engine.errors).toEqual([]);
});
afterAll(async () => {
  await server.close();
  expect(emulator.contractViolations).toEqual([]);
});

test('after a password rotation, refresh and destroy on the stored configuration fail and say why; --run-program and an up are the ways out', async () => {
  expect(emulator.state().robots.map((r) => r.name)).toEqual(['robot$k8s+coredns-pull']);
  // The admin password changes in Harbor, and in the stack configuration.
  emulator.setUserPassword('admin', passwordB);
  engine.setConfig(configWith(passwordB), ['project:harborPassword']);

  // `pulumi refresh`: the stored configuration (A) is refused, and the message says what to do.
  const refresh = await failure(engine.refreshAll());
  expect(refresh.message).toMatch(/HTTP 401/);
  expect(refresh.message).toContain(STORED_CONFIGURATION_HINT);
  for (const pw of [passwordA, passwordB]) expect(refresh.message).not.toContain(pw);
  // `pulumi refresh --run-program`: the current configuration (B) reads everything, nothing dropped.
  expect(await engine.refreshAll({ runProgram: true })).toEqual([]);

  // `pulumi destroy` on the stored configuration: the robot login goes (nothing in Harbor), then the robot's delete is
  // refused and the destroy stops there, keeping what it did; nothing in Harbor changed.
  const destroy = await failure(engine.destroyAll());
  expect(destroy.message).toContain(STORED_CONFIGURATION_HINT);
  expect(engine.deletions).toEqual(['coredns-robot-login']);
  expect(emulator.state().projects.map((p) => p.name)).toEqual(['k8s']);
  expect(emulator.state().robots.map((r) => r.name)).toEqual(['robot$k8s+coredns-pull']);

  // `pulumi up` stores B (nothing to change in Harbor); then a plain destroy works, and a second one has nothing to do.
  engine.beginUp();
  app();
  await engine.settled('the up that stores the new configuration');
  await engine.finishUp();
  emulator.resetLog();
  expect(await engine.destroyAll()).toEqual([
    'coredns-robot-login',
    'coredns-robot',
    'coredns-member-user-k8s-puller',
    'coredns-project',
  ]);
  expect(emulator.state()).toMatchObject({ projects: [], members: [], robots: [] });
  expect(emulator.requests.filter((r) => r.status === 401)).toEqual([]);
  expect(await engine.destroyAll()).toEqual([]);
});

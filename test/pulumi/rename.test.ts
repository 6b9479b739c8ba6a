/**
 * Renaming a HarborPrivateApp keeps every resource:
 * under Pulumi's mocks, the component is built under its old name and again under its new one with
 * `aliases: [{ name: <old> }]`, and the engine's part is played by the rules it applies
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go `generateAliases` / `inheritedChildAlias`: a child of an aliased
 * parent is also looked up under the parent's old name put in place of the new one at the start of its own name).
 * Every new child must find an old resource, and the Kubernetes objects must have the very same inputs: nothing to
 * diff, so nothing replaced. In particular the Deployment, whose selector Kubernetes cannot change in place (with its
 * fixed name, a replacement deletes it first: an outage).
 */
import { randomBytes } from 'node:crypto';
import { App, Chart } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { corednsAppProps } from '../../apps/cdk8s/coredns';
import { HarborMember, HarborPrivateApp, HarborRole } from '../../lib/pulumi';
import { resolveHarborPrivateApp } from '../../lib/core';
import { renderKubernetesObjects } from '../../lib/pulumi/component/render';
import { harborProviders } from './support/kinds';
import { installMocks, promiseOf, Registration, settled, unwrapSecrets } from './support/mocks';

const registrations = installMocks();
pulumi.runtime.setAllConfig(
  { 'project:harborUsername': 'admin', 'project:harborPassword': `pw-${randomBytes(9).toString('hex')}` },
  ['project:harborPassword'],
);

const seedProps = () => corednsAppProps(new Chart(new App(), 'scratch'));

async function build(
  name: string,
  props = seedProps(),
  opts: pulumi.ComponentResourceOptions = {},
): Promise<{ self: Registration; children: Registration[] }> {
  const app = new HarborPrivateApp(name, props, opts);
  await settled(`HarborPrivateApp "${name}"`);
  const urn = await promiseOf(app.urn, `${name}.urn`);
  return { self: registrations.find((r) => r.urn === urn)!, children: registrations.filter((r) => r.parent === urn) };
}

/** The engine's `inheritedChildAlias` name: the parent's old name in place of its new one at the child name's start. */
function inheritedChildAliasName(childName: string, parentName: string, parentAliasName: string): string {
  return childName.startsWith(parentName) ? parentAliasName + childName.slice(parentName.length) : childName;
}

/** Inputs as the engine diffs them (plain values; the provider text is the same program's). */
const inputsOf = (r: Registration): Record<string, any> => unwrapSecrets(r.inputs) as Record<string, any>;

/** A Harbor resource's inputs as its provider reads them: plain values. */
const harborInputsOf = (r: Registration): Record<string, any> => inputsOf(r);

test('renamed with aliases: every resource found under its old name, the Kubernetes objects unchanged, nothing replaced', async () => {
  const before = await build('coredns');
  const after = await build('dns', seedProps(), { aliases: [{ name: 'coredns' }] });
  expect(after.self.aliases).toEqual([{ name: 'coredns' }]);

  const old = new Map(before.children.map((c) => [`${c.type}::${c.name}`, c]));
  const pairs = after.children.map((c) => {
    const found = old.get(`${c.type}::${inheritedChildAliasName(c.name, 'dns', 'coredns')}`);
    return { type: c.type, name: c.name, renamed: c, old: found };
  });
  // Every child has its old resource: nothing created, nothing left over to delete.
  expect(pairs.filter((p) => !p.old).map((p) => p.name)).toEqual([]);
  expect(pairs).toHaveLength(before.children.length);

  for (const p of pairs.filter((x) => x.type.startsWith('kubernetes:'))) {
    expect([p.type, p.name, inputsOf(p.renamed)]).toEqual([p.type, p.name, inputsOf(p.old!)]);
  }
  const deployment = pairs.find((p) => p.type === 'kubernetes:apps/v1:Deployment')!;
  expect(inputsOf(deployment.renamed).spec.selector).toEqual({ matchLabels: { 'cdk8s.io/metadata.addr': 'coredns' } });

  // The Harbor resources: the same inputs, but for the robot's default description, which names the app: an update
  // in place (PUT), never a replacement. (Give robot.description to keep it.)
  for (const type of ['Project', 'ProjectMember']) {
    const p = pairs.find((x) => x.type === `pulumi-nodejs:dynamic/harbor:${type}`)!;
    expect([type, inputsOf(p.renamed)]).toEqual([type, inputsOf(p.old!)]);
  }
  const robot = pairs.find((x) => x.type === 'pulumi-nodejs:dynamic/harbor:RobotAccount')!;
  const { description: renamedDescription, ...renamedRest } = harborInputsOf(robot.renamed);
  const { description: oldDescription, ...oldRest } = harborInputsOf(robot.old!);
  expect(renamedRest).toEqual(oldRest);
  expect([oldDescription, renamedDescription]).toEqual([
    'Pull secret of coredns, managed by harbor-private-app',
    'Pull secret of dns, managed by harbor-private-app',
  ]);
  const state = { ...inputsOf(robot.old!), robotId: 9, fullName: 'robot$k8s+coredns-pull', secret: 's', expiresAt: -1 };
  expect(await harborProviders.diff('9', { ...state, disabled: false }, inputsOf(robot.renamed))).toMatchObject({
    changes: true,
    replaces: [],
  });
  // The robot's login: the same name and secret. (Its robotResourceId differs here only because the mocks make ids
  // from resource names; the engine keeps the aliased robot's state, and so its id.)
  const login = pairs.find((x) => x.type === 'pulumi-nodejs:dynamic/harbor:RobotLogin')!;
  const { robotResourceId: _a, ...loginRenamed } = harborInputsOf(login.renamed);
  const { robotResourceId: _b, ...loginOld } = harborInputsOf(login.old!);
  expect(loginRenamed).toEqual(loginOld);
});

test("the selector depends on the Deployment's name only; cdk8s-plus' own (select: true) follows the app's name", () => {
  const selector = (app: string, select?: boolean): unknown => {
    const props = seedProps();
    const workload = { ...props.workload!, select };
    const { manifests } = renderKubernetesObjects(app, resolveHarborPrivateApp(app, props), { workload });
    return manifests.find((m) => m.kind === 'Deployment')!.spec;
  };
  const stable = (app: string) => (selector(app) as { selector: unknown }).selector;
  const pathDerived = (app: string) => (selector(app, true) as { selector: unknown }).selector;
  expect(stable('coredns')).toEqual(stable('dns'));
  expect(pathDerived('coredns')).not.toEqual(pathDerived('dns'));
});

test('members are named from the member alone, with no alias: a name that is not a DNS label gets a hash suffix', async () => {
  const props = {
    ...seedProps(),
    members: [
      HarborMember.user('k8s-puller', HarborRole.GUEST),
      HarborMember.user('Alice', HarborRole.GUEST),
      HarborMember.group('team_devs', HarborRole.DEVELOPER),
    ],
  };
  const { children } = await build('named', props);
  const members = children.filter((c) => c.type === 'pulumi-nodejs:dynamic/harbor:ProjectMember');
  expect(members.map((m) => [m.name, m.aliases])).toEqual([
    ['named-member-user-k8s-puller', []],
    [expect.stringMatching(/^named-member-user-alice-[0-9a-f]{8}$/), []],
    [expect.stringMatching(/^named-member-group-team-devs-[0-9a-f]{8}$/), []],
  ]);
});

/**
 * Runs inside the scratch Pulumi project that installed harbor-private-app from its tarball (see consumer.test.ts), on
 * the version row's Node.js: one `pulumi up` (or, with DESTROY=1, `pulumi destroy`) of an app with `robot.rotation`,
 * the package's INSTALLED providers run by Pulumi's own dynamic provider host (the project's installed
 * @pulumi/pulumi's, its own process, ./driver-support.js) from the texts the program registered, against the Harbor
 * emulator at HARBOR_URL. One host per run, configured with the stack configuration, as the engine does.
 *
 * The program (below, as a platform repository would write it) runs under `pulumi.runtime.setMocks` with the real
 * closure serializer. The mock monitor stands in for the engine for the robot rotation: it sends the registered
 * inputs to the host (Check, then Create on the first run, or Diff and Update against the state the previous run left,
 * STATE_FILE); the robot's `generation` input is then the rotation's output, as the engine resolves it. After the
 * program, the engine's part for the Harbor objects: the first run creates the project, the member and the robot; a
 * later run diffs the robot against its stored outputs and replaces it as the engine does (the new robot created, the
 * old one deleted at the end) or updates it.
 *
 * Environment: PROJECT (the Pulumi project name the config keys use), HARBOR_URL, HARBOR_PASSWORD (the emulator's
 * admin), TRIGGER (robot.rotation.trigger), STATE_FILE (JSON the runs share), DESTROY. Prints one JSON line.
 */
'use strict';
const fs = require('node:fs');
const pulumi = require('@pulumi/pulumi');
const { checked, engineInputs, hostFacts, inputOf, startHost, urnOf } = require('./driver-support.js');

const project = process.env.PROJECT;
const rawConfig = {
  [`${project}:harborUsername`]: 'admin',
  [`${project}:harborPassword`]: process.env.HARBOR_PASSWORD,
};
const secretKeys = [`${project}:harborPassword`];
const stored = fs.existsSync(process.env.STATE_FILE) ? JSON.parse(fs.readFileSync(process.env.STATE_FILE, 'utf8')) : {};

async function main() {
  const report = { node: process.version, rotation: {}, robot: {}, ops: [] };
  // This run's dynamic provider host (the engine starts one per `pulumi` command).
  const host = await startHost(rawConfig, project, secretKeys);
  const urn = (r) => urnOf(project, r.type, r.name);
  /** The engine's Check of a registration (`pulumi destroy` checks nothing: the inputs as registered). */
  const check = (r, olds) =>
    process.env.DESTROY ? engineInputs(r.inputs) : checked(host, urn(r), olds || {}, engineInputs(r.inputs));
  const registrations = [];
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        registrations.push(args);
        if (args.type === 'pulumi-nodejs:dynamic/harbor:RobotRotation') {
          const text = args.inputs.__provider;
          report.rotation.text = {
            length: text.length,
            module: text.includes('"harbor-private-app/pulumi/dynamic-provider"'),
            exportName: text.includes('"harborRobotRotationProvider"'),
            mentionsDistLib: text.includes('dist-lib'),
          };
          const news = await check(args, stored.rotationInputs);
          let outs = stored.rotation;
          if (outs === undefined) {
            outs = (await host.create(news, urn(args))).outs;
          } else if (!process.env.DESTROY) {
            report.rotation.diff = await host.diff('generation', stored.rotation, news, urn(args));
            if (report.rotation.diff.changes) {
              outs = (await host.update('generation', stored.rotation, news, stored.rotationInputs, urn(args))).outs;
            }
          }
          stored.rotationInputs = news;
          report.rotation.generation = outs.generation;
          stored.rotation = outs;
          return { id: 'generation', state: { ...args.inputs, ...outs } };
        }
        return { id: `${args.name}-id`, state: { ...args.inputs } };
      },
      call: (args) => args.inputs,
    },
    project,
    'dev',
    false,
  );
  pulumi.runtime.setAllConfig(rawConfig, secretKeys);

  // The program, as a platform repository writes it.
  const { HarborPrivateApp, HarborMember, HarborRole } = require('harbor-private-app/pulumi');
  const registry = new URL(process.env.HARBOR_URL).host;
  new HarborPrivateApp('tenant', {
    harborUrl: process.env.HARBOR_URL,
    registryHost: registry,
    project: { name: 'tenant' },
    members: [HarborMember.user('k8s-puller', HarborRole.DEVELOPER)],
    namespaces: ['tenant'],
    robot: { name: 'tenant-pull', rotation: { trigger: process.env.TRIGGER } },
    workload: { metadata: { name: 'web' }, containers: [{ image: `${registry}/tenant/web:1.0` }] },
    preflight: { pull: false },
  });
  await pulumi.runtime.waitForRPCs();

  // The engine's part for the Harbor objects.
  const of = (kind) => registrations.find((r) => r.type === `pulumi-nodejs:dynamic/harbor:${kind}`);
  const robot = of('RobotAccount');
  const robotInputs = await check(robot, stored.RobotAccount && stored.RobotAccount.inputs);
  report.robot.generation = inputOf(robotInputs, 'generation');
  if (process.env.DESTROY) {
    for (const kind of ['RobotAccount', 'ProjectMember', 'Project']) {
      await host.delete(stored[kind].id, stored[kind].outs, urn(of(kind)));
      report.ops.push(`delete ${kind}`);
    }
    fs.rmSync(process.env.STATE_FILE);
  } else if (stored.RobotAccount === undefined) {
    for (const kind of ['Project', 'ProjectMember', 'RobotAccount']) {
      const inputs = kind === 'RobotAccount' ? robotInputs : await check(of(kind));
      const res = await host.create(inputs, urn(of(kind)));
      stored[kind] = { id: res.id, inputs, outs: res.outs };
      report.ops.push(`create ${kind}`);
    }
  } else {
    const old = stored.RobotAccount;
    const diff = await host.diff(old.id, old.outs, robotInputs, urn(robot));
    report.robot.diff = diff;
    if (diff.replaces.length > 0 && !diff.deleteBeforeReplace) {
      const res = await host.create(robotInputs, urn(robot));
      stored.RobotAccount = { id: res.id, inputs: robotInputs, outs: res.outs };
      await host.delete(old.id, old.outs, urn(robot)); // the engine's post-step, once everything else is done
      report.ops.push('create RobotAccount', 'delete RobotAccount (old)');
    } else if (diff.changes) {
      const outs = (await host.update(old.id, old.outs, robotInputs, old.inputs, urn(robot))).outs;
      stored.RobotAccount = { id: old.id, inputs: robotInputs, outs };
      report.ops.push('update RobotAccount');
    }
  }
  if (stored.RobotAccount && !process.env.DESTROY) report.robot.fullName = stored.RobotAccount.outs.fullName;
  if (!process.env.DESTROY) fs.writeFileSync(process.env.STATE_FILE, JSON.stringify(stored));
  report.host = hostFacts(host);
  await host.close();
  console.log(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

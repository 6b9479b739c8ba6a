/**
 * Runs inside the scratch Pulumi project that installed harbor-private-app from its tarball (see consumer.test.ts): one
 * `pulumi up` (or, with DESTROY=1, `pulumi destroy`) of an app with `robot.rotation`, as the engine and Pulumi's dynamic
 * provider host would run it, with the package's INSTALLED providers loaded from the texts the program registered,
 * against the Harbor emulator at HARBOR_URL.
 *
 * The program (below, as a platform repository would write it) runs under `pulumi.runtime.setMocks` with the real
 * closure serializer. The mock monitor stands in for the engine for the robot rotation: it loads the registered
 * provider text as the host does (`requireFromString(text).handler()`, then `configure`) and calls `create` on the
 * first run, or `diff` and `update` against the state the previous run left (STATE_FILE); the robot's `generation`
 * input is then the rotation's output, as the engine resolves it. After the program, the engine's part for the Harbor
 * objects: the first run creates the project, the member and the robot; a later run diffs the robot against its stored
 * outputs and replaces it as the engine does (the new robot created, the old one deleted at the end) or updates it.
 *
 * Environment: PROJECT (the Pulumi project name the config keys use), HARBOR_URL, HARBOR_PASSWORD (the emulator's
 * admin), TRIGGER (robot.rotation.trigger), STATE_FILE (JSON the runs share), DESTROY. Prints one JSON line.
 */
'use strict';
const fs = require('node:fs');
const pulumi = require('@pulumi/pulumi');
const { inputOf, loadProvider, plain } = require('./driver-support.js');

const project = process.env.PROJECT;
const rawConfig = {
  [`${project}:harborUsername`]: 'admin',
  [`${project}:harborPassword`]: process.env.HARBOR_PASSWORD,
};
const stored = fs.existsSync(process.env.STATE_FILE) ? JSON.parse(fs.readFileSync(process.env.STATE_FILE, 'utf8')) : {};

/** A provider loaded from its registered text the way Pulumi's dynamic provider host loads it. */
const load = (text) => loadProvider(text, rawConfig, project);

async function main() {
  const report = { rotation: {}, robot: {}, ops: [] };
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
          const provider = await load(text);
          const news = plain(args.inputs);
          let outs = stored.rotation;
          if (outs === undefined) {
            outs = (await provider.create(news)).outs;
          } else if (!process.env.DESTROY) {
            report.rotation.diff = await provider.diff('generation', stored.rotation, news);
            if (report.rotation.diff.changes) outs = (await provider.update('generation', stored.rotation, news)).outs;
          }
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
  pulumi.runtime.setAllConfig(rawConfig, [`${project}:harborPassword`]);

  // The program, as a platform repository writes it.
  const { HarborPrivateApp, HarborMember, HarborRole } = require('harbor-private-app/pulumi');
  const host = new URL(process.env.HARBOR_URL).host;
  new HarborPrivateApp('tenant', {
    harborUrl: process.env.HARBOR_URL,
    registryHost: host,
    project: { name: 'tenant' },
    members: [HarborMember.user('k8s-puller', HarborRole.DEVELOPER)],
    namespaces: ['tenant'],
    robot: { name: 'tenant-pull', rotation: { trigger: process.env.TRIGGER } },
    workload: { metadata: { name: 'web' }, containers: [{ image: `${host}/tenant/web:1.0` }] },
    preflight: { pull: false },
  });
  await pulumi.runtime.waitForRPCs();

  // The engine's part for the Harbor objects.
  const of = (kind) => registrations.find((r) => r.type === `pulumi-nodejs:dynamic/harbor:${kind}`);
  const robotInputs = plain(of('RobotAccount').inputs);
  const harbor = await load(of('RobotAccount').inputs.__provider);
  report.robot.generation = inputOf(robotInputs, 'generation');
  if (process.env.DESTROY) {
    await harbor.delete(stored.RobotAccount.id, stored.RobotAccount.outs);
    await harbor.delete(stored.ProjectMember.id, stored.ProjectMember.outs);
    await harbor.delete(stored.Project.id, stored.Project.outs);
    report.ops.push('delete RobotAccount', 'delete ProjectMember', 'delete Project');
    fs.rmSync(process.env.STATE_FILE);
  } else if (stored.RobotAccount === undefined) {
    for (const kind of ['Project', 'ProjectMember', 'RobotAccount']) {
      const res = await harbor.create(plain(of(kind).inputs));
      stored[kind] = { id: res.id, outs: res.outs };
      report.ops.push(`create ${kind}`);
    }
  } else {
    const old = stored.RobotAccount;
    const diff = await harbor.diff(old.id, old.outs, robotInputs);
    report.robot.diff = {
      changes: diff.changes,
      replaces: diff.replaces,
      deleteBeforeReplace: diff.deleteBeforeReplace,
    };
    if (diff.replaces && diff.replaces.length > 0 && !diff.deleteBeforeReplace) {
      const res = await harbor.create(robotInputs);
      stored.RobotAccount = { id: res.id, outs: res.outs };
      await harbor.delete(old.id, old.outs); // the engine's post-step, once everything else is done
      report.ops.push('create RobotAccount', 'delete RobotAccount (old)');
    } else if (diff.changes) {
      stored.RobotAccount = { id: old.id, outs: (await harbor.update(old.id, old.outs, robotInputs)).outs };
      report.ops.push('update RobotAccount');
    }
  }
  if (stored.RobotAccount && !process.env.DESTROY) report.robot.fullName = stored.RobotAccount.outs.fullName;
  if (!process.env.DESTROY) fs.writeFileSync(process.env.STATE_FILE, JSON.stringify(stored));
  console.log(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

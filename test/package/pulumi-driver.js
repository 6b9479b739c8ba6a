/**
 * Runs inside a scratch project that installed harbor-private-app from its tarball (see consumer.test.ts), on the
 * version row's Node.js, with the project's own @pulumi/pulumi, as `pulumi up` would:
 *
 * 1. the program (`./index.js`, the README's Pulumi example compiled) runs under `pulumi.runtime.setMocks`, with the
 *    REAL closure serializer: every dynamic resource's `__provider` is the text `pulumi up` would store;
 * 2. the engine's part: Pulumi's own dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider` of the installed
 *    @pulumi/pulumi, its own process in this directory, ./driver-support.js) is started and configured with the stack
 *    configuration, and each Harbor resource's registered inputs go to it over gRPC (Check, then Create), the host
 *    loading each provider text once, against the emulator at HARBOR_URL (a robot's login gets the robot's outputs
 *    as its inputs, as the engine resolves them); then Read of each with its stored outputs;
 * 3. with HARBOR_NEW_PASSWORD: the admin's password is changed in Harbor (`PUT /users/1/password`, Harbor's own API)
 *    and in the stack configuration, and a new run (a new host, configured with the new password) reads, updates the
 *    member's role and deletes everything with it.
 *
 * Prints one JSON line: the Node.js and each host run (its @pulumi/pulumi version and executable), what was
 * registered, the provider texts' sizes and required modules, each operation, and the size of each resource's stored
 * state (inputs and outputs as the host returned them, the provider text included).
 * Environment: HARBOR_URL, HARBOR_USERNAME, HARBOR_PASSWORD (the lab emulator's, made up per run),
 * HARBOR_NEW_PASSWORD (optional), PROJECT (the Pulumi project name the config keys use), PULL_CHECK_REGISTRY
 * (`127.0.0.1:<port>`).
 */
'use strict';
const pulumi = require('@pulumi/pulumi');
const { checked, engineInputs, hostFacts, inputOf, startHost, urnOf, withInputs } = require('./driver-support.js');

const project = process.env.PROJECT;
const rawConfig = {
  [`${project}:harborUrl`]: process.env.HARBOR_URL,
  [`${project}:harborUsername`]: process.env.HARBOR_USERNAME,
  [`${project}:harborPassword`]: process.env.HARBOR_PASSWORD,
};
const secretKeys = [`${project}:harborPassword`];

async function main() {
  const registrations = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs } };
      },
      call: (args) => args.inputs,
    },
    project,
    'dev',
    false,
  );
  pulumi.runtime.setAllConfig(rawConfig, secretKeys);
  require('./index.js');
  // Every registration (and the provider serialization it waits for) has gone through the mock monitor after this.
  await pulumi.runtime.waitForRPCs();

  const harbor = registrations.filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/harbor:'));
  const texts = [...new Set(harbor.map((r) => r.inputs.__provider))];
  const report = {
    node: { version: process.version, execPath: process.execPath },
    hostRuns: [],
    types: registrations.map((r) => r.type),
    inputsHoldPassword: registrations.some((r) => JSON.stringify(r.inputs).includes(process.env.HARBOR_PASSWORD)),
    harbor: harbor.map((r) => ({ type: r.type, name: r.name, inputKeys: Object.keys(r.inputs).sort() })),
    providerTexts: texts.map((t) => ({
      length: typeof t === 'string' ? t.length : -1,
      text: typeof t === 'string' ? t : '',
      requires:
        typeof t === 'string' ? [...new Set([...t.matchAll(/require\(["'`]([^"'`]+)["'`]\)/g)].map((m) => m[1]))] : [],
      mentionsDistLib: typeof t === 'string' && t.includes('dist-lib'),
      mentionsPassword: typeof t === 'string' && t.includes(process.env.HARBOR_PASSWORD),
    })),
    operations: [],
    stateBytes: [],
  };

  // The engine's part: one dynamic provider host per `pulumi` run, configured with the stack configuration.
  let host = await startHost(rawConfig, project, secretKeys);
  const endRun = async () => {
    report.hostRuns.push(hostFacts(host));
    await host.close();
  };
  const order = ['Project', 'ProjectMember', 'RobotAccount', 'RobotLogin'];
  const kind = (r) => r.type.split(':')[2];
  const urn = (r) => urnOf(project, r.type, r.name);
  const sorted = [...harbor].sort((a, b) => order.indexOf(kind(a)) - order.indexOf(kind(b)));
  const created = [];
  for (const r of sorted) {
    let inputs = engineInputs(r.inputs);
    if (kind(r) === 'RobotLogin') {
      // The robot's outputs, as the engine resolves them.
      const robot = created.find((c) => kind(c.r) === 'RobotAccount');
      inputs = withInputs(inputs, {
        robotResourceId: robot.id,
        fullName: robot.outs.fullName,
        secret: robot.outs.secret,
      });
      // Its pull check, with the images moved to PULL_CHECK_REGISTRY (a loopback port where nothing listens), so that
      // the installed check runs its token flow without leaving this machine: the create fails, as the `up` would.
      const pullCheck = inputOf(inputs, 'pullCheck');
      const images = pullCheck.images.map((i) => i.replace(/^[^/]+/, process.env.PULL_CHECK_REGISTRY));
      const unreachable = withInputs(inputs, {
        pullCheck: { ...pullCheck, images, registryHost: process.env.PULL_CHECK_REGISTRY },
      });
      try {
        await host.create(await checked(host, urn(r), {}, unreachable), urn(r));
        report.operations.push({ op: 'create', type: r.type });
      } catch (e) {
        report.operations.push({ op: 'create', type: r.type, failed: String(e && e.message) });
      }
      // Then as with `preflight: { pull: false }`: the login without a check.
      const { pullCheck: _check, ...withoutCheck } = inputs;
      inputs = withoutCheck;
    }
    inputs = await checked(host, urn(r), {}, inputs);
    const res = await host.create(inputs, urn(r));
    created.push({ r, id: res.id, inputs, outs: res.outs });
    report.operations.push({ op: 'create', type: r.type, id: res.id, outKeys: Object.keys(res.outs).sort() });
    // What the state keeps: the checked inputs and the outputs as the host answered them (its resultIncludingProvider
    // keeps the provider text in the outputs).
    report.stateBytes.push({
      type: r.type,
      inputs: JSON.stringify(inputs).length,
      outputs: JSON.stringify(res.outs).length,
      outputsKeepProvider: res.outs.__provider === r.inputs.__provider,
      holdsPassword: JSON.stringify([inputs, res.outs]).includes(process.env.HARBOR_PASSWORD),
    });
  }
  for (const c of created) {
    const res = await host.read(c.id, c.outs, c.inputs, urn(c.r));
    report.operations.push({ op: 'read', type: c.r.type, found: res.id === c.id });
  }
  if (process.env.HARBOR_NEW_PASSWORD) {
    // Harbor's admin password changes, in Harbor and in the stack configuration; then a new `pulumi` run.
    const old = process.env.HARBOR_PASSWORD;
    const res = await fetch(`${process.env.HARBOR_URL}/api/v2.0/users/1/password`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`${process.env.HARBOR_USERNAME}:${old}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ old_password: old, new_password: process.env.HARBOR_NEW_PASSWORD }),
    });
    report.operations.push({ op: 'rotate', type: 'password', status: res.status });
    rawConfig[`${project}:harborPassword`] = process.env.HARBOR_NEW_PASSWORD;
    await endRun();
    host = await startHost(rawConfig, project, secretKeys);
    for (const c of created) {
      const read = await host.read(c.id, c.outs, c.inputs, urn(c.r));
      report.operations.push({ op: 'read', type: c.r.type, found: read.id === c.id });
    }
    const member = created.find((c) => kind(c.r) === 'ProjectMember');
    const news = await checked(host, urn(member.r), member.inputs, withInputs(member.inputs, { role: 'developer' }));
    const diff = await host.diff(member.id, member.outs, news, urn(member.r));
    member.outs = (await host.update(member.id, member.outs, news, member.inputs, urn(member.r))).outs;
    member.inputs = news;
    report.operations.push({ op: 'update', type: member.r.type, changes: diff.changes, replaces: diff.replaces });
  }
  for (const c of [...created].reverse()) {
    await host.delete(c.id, c.outs, urn(c.r));
    report.operations.push({ op: 'delete', type: c.r.type });
  }
  await endRun();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});

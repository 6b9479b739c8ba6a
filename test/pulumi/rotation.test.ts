/**
 * The robot's renewal and rotation, driven through the dynamic providers AS PULUMI STORES AND RUNS THEM (the texts
 * `pulumi up` serializes, loaded and configured like Pulumi's provider host), against the lab's Harbor emulator
 * (every request checked against Harbor's swagger; its clock moved to age robots). The engine's part (create, diff +
 * update, refresh, preview) is played by support/lifecycle.ts; the pull loops are in test/lab/*-pulumi.test.ts.
 *
 * - diff decides from the state and the clock only: no Harbor request, so a preview and the `up` agree;
 * - renewal: in place, `PUT` with the robot's age on Harbor's clock + durationDays, the secret kept; Harbor's grown
 *   duration kept apart from the prop (no diff afterwards, nor after a refresh);
 * - rotation: the generation lives in the rotation resource's state; a new one replaces the robot under the next name,
 *   create first; a preview shows the pull Secret changing for a rotation, not for a renewal;
 * - a robot Harbor still reports expired or disabled after the stack's PUT fails the update with the fix.
 */
import { randomBytes } from 'node:crypto';
import type { dynamic } from '@pulumi/pulumi';
import { emulatorPerTest } from '../lab/emulator-per-test';
import type { HarborTarget } from '../../lib/pulumi/providers/connection';
import { UNKNOWN } from '../../lib/pulumi/providers/robot-login-provider';
import { create, preview, refresh, seedStack, StackResource, up } from './support/lifecycle';
import { hostRun, ProviderTexts, serializeLikePulumiUp } from './support/serialized';

const DAY = 86_400_000;
let texts: ProviderTexts;
let password: string;
/** Harbor's clock = the real one + this. */
let harborOffsetMs = 0;
const emu = emulatorPerTest(
  () => {
    password = `Pw-${randomBytes(9).toString('hex')}`;
    harborOffsetMs = 0;
    return { adminPassword: password, now: () => Date.now() + harborOffsetMs };
  },
  (e) => e.addUser('k8s-puller'),
);

const login = (): Record<string, string> => ({ 'example:harborUsername': 'admin', 'example:harborPassword': password });
const target = (): HarborTarget => ({ url: emu.url, config: 'example:harbor' });
const find = (stack: StackResource[], name: string): StackResource => stack.find((r) => r.name === name)!;
const requests = (): string[] => emu.emulator.calls();
const writes = (): string[] => emu.emulator.calls((r) => r.write);
const failure = (p: Promise<unknown>): Promise<{ message: string }> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: { message: string }) => e,
  );

/**
 * The seed's stack with a robot of `durationDays` (renewal window `renewBeforeDays`), and with `rotation` a rotation
 * resource whose generation the robot takes, as HarborPrivateApp declares them.
 */
function stackWith(
  robot: { durationDays: number; renewBeforeDays?: number },
  rotation?: { trigger?: string; everyDays?: number },
): StackResource[] {
  const stack = seedStack(target(), { providers: texts });
  const r = find(stack, 'robot');
  r.inputs = { ...r.inputs, durationDays: robot.durationDays };
  if (robot.renewBeforeDays !== undefined) r.inputs.renewBeforeDays = robot.renewBeforeDays;
  if (rotation) {
    const rot: StackResource = {
      name: 'rotation',
      inputs: { ...rotation, __provider: texts.robotRotation },
    };
    const base = { ...r.inputs };
    const robotRes: StackResource = {
      name: 'robot',
      inputs: base,
      derive: (state) => ({ ...base, generation: state('rotation')?.outs?.generation ?? UNKNOWN }),
    };
    stack.splice(stack.indexOf(r), 1, rot, robotRes);
    return stack;
  }
  return stack;
}

beforeAll(() => {
  texts = serializeLikePulumiUp();
});

describe('renewal', () => {
  let run: dynamic.ResourceProvider;
  let stack: StackResource[];
  /** Creates the stack with its robot `ageDays` old on Harbor's clock. */
  const createAged = async (ageDays: number, robot = { durationDays: 30, renewBeforeDays: 10 }) => {
    stack = stackWith(robot);
    run = await hostRun(texts, login());
    harborOffsetMs = -ageDays * DAY;
    await create(run, stack);
    harborOffsetMs = 0;
  };

  test('outside the window: no change, no Harbor request', async () => {
    await createAged(19);
    emu.emulator.resetLog();
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
    expect(requests()).toEqual([]);
  });

  test('inside the window: renewed in place from the age on Harbor`s clock, the secret kept; no diff afterwards, nor after a refresh', async () => {
    await createAged(21.5);
    const robot = find(stack, 'robot');
    const { secret, expiresAt: before, robotId } = robot.outs!;
    const createdS = before - 30 * 86_400;
    emu.emulator.resetLog();
    const report = await up(run, stack);
    expect(report.robot).toMatchObject({ changes: true, replaces: [] });
    expect(requests()).toEqual([`GET /robots/${robotId}`, `PUT /robots/${robotId}`, `GET /robots/${robotId}`]);
    // 21.5 days old: 22 + 30 days from the creation. (Secrets compared as booleans: never printed.)
    expect(robot.outs!.secret === secret).toBe(true);
    expect(robot.outs).toMatchObject({ durationDays: 30, harborDurationDays: 52 });
    expect(robot.outs!.expiresAt).toBe(createdS + 52 * 86_400);
    expect(emu.emulator.authorize(robot.outs!.fullName, secret, 'k8s')).toEqual(['pull']);
    // The login stores the new expiry; its name and secret are the same (the pull Secret's data does not change).
    expect(report.robotLogin.changes).toBe(true);
    expect(find(stack, 'robotLogin').outs!.secret === secret).toBe(true);
    expect(find(stack, 'robotLogin').outs!.expiresAt).toBe(robot.outs!.expiresAt);

    emu.emulator.resetLog();
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
    expect(requests()).toEqual([]);
    // A refresh reads Harbor's duration (52) into harborDurationDays and keeps the prop (30): still no diff.
    expect(await refresh(run, stack)).toEqual([]);
    expect(robot.outs).toMatchObject({ durationDays: 30, harborDurationDays: 52 });
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
  });

  test('a preview of a renewal shows the robot updated and the pull Secret unchanged; nothing is written', async () => {
    await createAged(25);
    const before = find(stack, 'robotLogin').outs!;
    emu.emulator.resetLog();
    const report = await preview(run, stack);
    expect(report.robot.diff).toMatchObject({ changes: true, replaces: [] });
    expect(report.robotLogin.diff.changes).toBe(false);
    expect(report.robotLogin.state.outs!.fullName).toBe(before.fullName);
    expect(report.robotLogin.state.outs!.secret === before.secret).toBe(true);
    expect(requests()).toEqual([]);
  });

  test('a longer durationDays on an old robot counts from now (age + days), never expiring it', async () => {
    await createAged(40.5, { durationDays: 60, renewBeforeDays: 10 });
    const robot = find(stack, 'robot');
    robot.inputs = { ...robot.inputs, durationDays: 20, renewBeforeDays: 5 };
    emu.emulator.resetLog();
    await up(run, stack);
    // Harbor would take 20 as "20 days from the creation", 20 days ago: expired at once. Sent: 41 + 20.
    expect(robot.outs).toMatchObject({ durationDays: 20, harborDurationDays: 61 });
    expect(robot.outs!.expiresAt * 1000).toBeGreaterThan(Date.now() + 19 * DAY);
    expect(emu.emulator.authorize(robot.outs!.fullName, robot.outs!.secret, 'k8s')).toEqual(['pull']);
  });

  test('a robot that never expires is never renewed, and -1 reaches Harbor when the prop says so', async () => {
    await createAged(10, { durationDays: 30, renewBeforeDays: 10 });
    const robot = find(stack, 'robot');
    robot.inputs = { ...robot.inputs, durationDays: -1 };
    delete robot.inputs.renewBeforeDays;
    emu.emulator.resetLog();
    await up(run, stack);
    expect(writes()).toEqual([`PUT /robots/${robot.id}`]);
    expect(robot.outs).toMatchObject({ durationDays: -1, harborDurationDays: -1, expiresAt: -1 });
    emu.emulator.resetLog();
    expect((await up(run, stack)).robot.changes).toBe(false);
    expect(requests()).toEqual([]);
  });

  test('Harbor still reporting the robot disabled after the PUT fails the update, naming the robot and the fix', async () => {
    await createAged(25.5);
    const robot = find(stack, 'robot');
    // Something in Harbor disables the robot again right after each PUT.
    const handle = emu.emulator.handle.bind(emu.emulator);
    emu.emulator.handle = async (req, res) => {
      const handled = await handle(req, res);
      if (req.method === 'PUT' && /\/robots\/\d+$/.test(req.url ?? ''))
        emu.emulator.setRobotDisabled(robot.outs!.fullName, true);
      return handled;
    };
    const error = await failure(up(run, stack));
    expect(error.message).toMatch(
      new RegExp(
        `Harbor robot "coredns-pull" of project "k8s": Harbor still reports robot robot\\$k8s\\+coredns-pull \\(id ${robot.id}\\) disabled \\("disable": true\\) after PUT /robots/${robot.id} with "disable": false and "duration" 56, so nothing can pull with its secret \\(ErrImagePull\\)\\. Fix: look at the robot in Harbor \\(Projects > k8s > Robot Accounts: something there keeps it disabled\\), then run "pulumi refresh" and "pulumi up"; or move to a new robot: with robot\\.rotation, give robot\\.rotation\\.trigger a new value`,
      ),
    );
    expect(error.message).not.toContain(robot.outs!.secret);
    expect(error.message).not.toContain(password);
  });
});

describe('rotation', () => {
  let run: dynamic.ResourceProvider;
  let stack: StackResource[];
  beforeEach(async () => {
    stack = stackWith({ durationDays: -1 }, { trigger: 'a', everyDays: 30 });
    run = await hostRun(texts, login());
    await create(run, stack);
  });

  test('created at generation 0: the robot has its declared name; nothing due, nothing changes', async () => {
    expect(find(stack, 'rotation').outs).toMatchObject({ generation: 0, trigger: 'a' });
    expect(find(stack, 'robot').outs).toMatchObject({ generation: 0, harborName: 'coredns-pull' });
    expect(emu.emulator.state().robots.map((r) => r.name)).toEqual(['robot$k8s+coredns-pull']);
    emu.emulator.resetLog();
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false, false]);
    expect(requests()).toEqual([]);
  });

  test('a new trigger: the next generation, and the robot is replaced create-first under the next name', async () => {
    const rotation = find(stack, 'rotation');
    rotation.inputs = { ...rotation.inputs, trigger: 'b' };
    emu.emulator.resetLog();
    const report = await up(run, stack);
    expect(report.rotation.changes).toBe(true);
    expect(rotation.outs).toMatchObject({ generation: 1, trigger: 'b' });
    expect(report.robot).toMatchObject({ changes: true, replaces: ['generation'], deleteBeforeReplace: false });
    expect(requests()).toEqual([]);
    // What the engine then does: create the replacement (its name from the generation), delete the old one last.
    const robot = find(stack, 'robot');
    const made = await run.create(robot.inputs);
    expect(made.outs).toMatchObject({ generation: 1, harborName: 'coredns-pull-green-0' });
    expect(made.outs.fullName).toBe('robot$k8s+coredns-pull-green-0');
    expect(writes()).toEqual(['POST /robots']);
    expect(emu.emulator.state().robots.map((r) => r.name)).toEqual([
      'robot$k8s+coredns-pull',
      'robot$k8s+coredns-pull-green-0',
    ]);
  });

  test('everyDays: a generation that old is due; one younger is not (decided from the state and the clock)', async () => {
    const rotation = find(stack, 'rotation');
    rotation.outs = { ...rotation.outs!, startedAt: Date.now() - 29 * DAY };
    expect((await up(run, stack)).rotation.changes).toBe(false);
    rotation.outs = { ...rotation.outs, startedAt: Date.now() - 30 * DAY - 1000 };
    const report = await up(run, stack);
    expect(report.rotation.changes).toBe(true);
    expect(rotation.outs).toMatchObject({ generation: 1 });
    expect(rotation.outs.startedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(report.robot).toMatchObject({ replaces: ['generation'], deleteBeforeReplace: false });
  });

  test('a preview of a rotation: the generation unknown, the robot replaced, the pull Secret changing; nothing written', async () => {
    const rotation = find(stack, 'rotation');
    rotation.inputs = { ...rotation.inputs, trigger: 'b' };
    emu.emulator.resetLog();
    const report = await preview(run, stack);
    expect(report.rotation.diff.changes).toBe(true);
    expect(report.robot.diff).toMatchObject({ changes: true, replaces: ['generation'], deleteBeforeReplace: false });
    expect(report.robotLogin.diff.changes).toBe(true);
    expect(report.robotLogin.state.outs!.secret).toBe(UNKNOWN);
    expect(requests()).toEqual([]);
  });
});

describe('turning rotation on', () => {
  test('turning rotation on for an existing robot keeps it (generation 0 is its name); a dropped trigger rotates nothing', async () => {
    const plain = stackWith({ durationDays: -1 });
    const plainRun = await hostRun(texts, login());
    await create(plainRun, plain);
    const rotating = stackWith({ durationDays: -1 }, { trigger: 'first' });
    for (const r of plain) Object.assign(find(rotating, r.name), { id: r.id, outs: r.outs });
    // The rotation resource is new: created (generation 0); the robot's diff then sees generation 0 = its own.
    await create(plainRun, [find(rotating, 'rotation')]);
    emu.emulator.resetLog();
    const report = await up(plainRun, rotating);
    expect(report.robot.changes).toBe(false);
    const rotation = find(rotating, 'rotation');
    rotation.inputs = { __provider: texts.robotRotation };
    expect((await up(plainRun, rotating)).rotation.changes).toBe(false);
    expect(requests()).toEqual([]);
  });
});

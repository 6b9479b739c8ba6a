import {
  RobotSlot,
  renewalWindowDays,
  resolveHarborPrivateApp,
  robotRotation,
  rotationRobotName,
  slotRobotName,
} from '../../lib/core';

const at = (step: number) => robotRotation(step, 'pull', 'robot$', 'k8s');
/** `<active> blue:<generation> green:<generation>` */
const row = (step: number): string => {
  const r = at(step);
  return `${r.phase} ${r.active} blue:${r.slots[0].generation} green:${r.slots[1].generation}`;
};

describe('blue/green rotation steps', () => {
  test('the documented table', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(row)).toEqual([
      'start blue blue:0 green:0',
      'flip green blue:0 green:0',
      'refresh green blue:1 green:0',
      'flip blue blue:1 green:0',
      'refresh blue blue:1 green:1',
      'flip green blue:1 green:1',
      'refresh green blue:2 green:1',
      'flip blue blue:2 green:1',
      'refresh blue blue:2 green:2',
    ]);
  });

  test('every step changes one thing, and never replaces the robot the pull Secret uses or has just left', () => {
    for (let step = 1; step <= 200; step++) {
      const before = at(step - 1);
      const after = at(step);
      const replaced = after.slots.filter((s, i) => s.generation !== before.slots[i].generation);
      const flipped = after.active !== before.active;
      if (step % 2 === 1) {
        expect([step, flipped, replaced.length]).toEqual([step, true, 0]);
      } else {
        expect([step, flipped, replaced.length]).toEqual([step, false, 1]);
        expect(replaced[0].generation).toBe(before.slots.find((s) => s.slot === replaced[0].slot)!.generation + 1);
        // The replaced robot is idle before and after: the pull Secret left it one step earlier.
        expect([step, replaced[0].slot === before.active, replaced[0].slot === after.active]).toEqual([
          step,
          false,
          false,
        ]);
      }
    }
  });

  test('slot names: blue generation 0 is the robot without rotation; full names carry prefix and project', () => {
    expect(slotRobotName('pull', RobotSlot.BLUE, 0)).toBe('pull');
    expect(slotRobotName('pull', RobotSlot.GREEN, 0)).toBe('pull-green-0');
    expect(slotRobotName('pull', RobotSlot.BLUE, 3)).toBe('pull-blue-3');
    expect(at(4).slots).toEqual([
      { slot: 'blue', generation: 1, name: 'pull-blue-1', fullName: 'robot$k8s+pull-blue-1', active: true },
      { slot: 'green', generation: 1, name: 'pull-green-1', fullName: 'robot$k8s+pull-green-1', active: false },
    ]);
  });

  test('resolve: robot.rotation gives the slots; without it, no rotation (the resolved robot is unchanged)', () => {
    const base = { registryHost: 'reg.harbor.com', project: { name: 'k8s' }, namespaces: ['kube-system'] };
    const plain = resolveHarborPrivateApp('coredns', base).robot!;
    expect(plain.rotation).toBeUndefined();
    const rotating = resolveHarborPrivateApp('coredns', { ...base, robot: { rotation: {} } }).robot!;
    expect(rotating.rotation).toEqual(robotRotation(0, 'coredns-pull', 'robot$', 'k8s'));
    const { rotation: _r, ...rest } = rotating;
    expect(rest).toEqual(plain);
  });
});

describe("the Pulumi engine's rotation (a whole blue/green cycle per pulumi up)", () => {
  const base = { registryHost: 'reg.harbor.com', project: { name: 'k8s' }, namespaces: ['kube-system'] };

  test('generation names follow the robots the YAML engine moves the pull Secret to (steps 1, 3, 5, ...)', () => {
    const names = [0, 1, 2, 3, 4, 5].map((g) => rotationRobotName('pull', g));
    expect(names).toEqual(['pull', 'pull-green-0', 'pull-blue-1', 'pull-green-1', 'pull-blue-2', 'pull-green-2']);
    const yamlActive = [0, 1, 3, 5, 7, 9].map((step) => at(step).slots.find((s) => s.active)!.name);
    expect(names).toEqual(yamlActive);
    // Two consecutive generations never share a name: the new robot is created while the old one still pulls.
    for (let g = 1; g < 500; g++) expect(rotationRobotName('pull', g)).not.toBe(rotationRobotName('pull', g - 1));
    expect(() => rotationRobotName('pull', -1)).toThrow(/whole number >= 0/);
  });

  test('resolve: everyDays and trigger are the policy (a number trigger kept as its string), no YAML slots', () => {
    const robot = resolveHarborPrivateApp('coredns', {
      ...base,
      robot: { durationDays: 30, rotation: { everyDays: 20, trigger: 7 } },
    }).robot!;
    expect(robot.rotationPolicy).toEqual({ everyDays: 20, trigger: '7' });
    expect(robot.rotation).toBeUndefined();
    expect(resolveHarborPrivateApp('coredns', { ...base, robot: { rotation: { trigger: 'x' } } }).robot).toMatchObject({
      rotationPolicy: { trigger: 'x' },
    });
  });

  test('the renewal window: declared, else a third of durationDays rounded up; none when the robot never expires', () => {
    const robot = (r: object) => resolveHarborPrivateApp('coredns', { ...base, robot: r }).robot!;
    expect(renewalWindowDays(robot({ durationDays: 30 }))).toBe(10);
    expect(renewalWindowDays(robot({ durationDays: 7 }))).toBe(3);
    expect(renewalWindowDays(robot({ durationDays: 1 }))).toBe(1);
    expect(renewalWindowDays(robot({ durationDays: 90, renewBeforeDays: 14 }))).toBe(14);
    expect(renewalWindowDays(robot({}))).toBeUndefined();
    expect(robot({ durationDays: 30 }).renewBeforeDays).toBeUndefined();
  });
});

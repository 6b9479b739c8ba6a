import {
  HarborGroupType,
  HarborMember,
  HarborPrivateAppError,
  HarborRole,
  PullCredentials,
  RobotAction,
  SecretStoreRef,
  checkWorkloadImages,
  checkWorkloadNamespace,
  resolveHarborPrivateApp,
} from '../../lib/core';
import type { EngineOptions } from '../../lib/core/props';

const base: EngineOptions = {
  registryHost: 'reg.harbor.com',
  project: { name: 'k8s' },
  namespaces: ['kube-system'],
};

function errorOf(fn: () => unknown): HarborPrivateAppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HarborPrivateAppError) return e;
    throw e;
  }
  throw new Error('expected a HarborPrivateAppError, nothing was thrown');
}

describe('resolveHarborPrivateApp defaults', () => {
  const r = resolveHarborPrivateApp('coredns', base);

  test("private project, scan on push, prevent_vul off, Harbor's quota (not managed), not adopted", () => {
    expect(r.project).toEqual({
      name: 'k8s',
      public: false,
      autoScan: true,
      preventVulnerableImages: false,
      adopt: false,
      forceDestroy: false,
    });
    expect(r.project.storageQuotaGb).toBeUndefined();
  });

  test('pull-only robot named after the app, never expiring, with its full name', () => {
    expect(r.robot).toEqual({
      name: 'coredns-pull',
      fullName: 'robot$k8s+coredns-pull',
      durationDays: -1,
      description: 'Pull secret of coredns, managed by harbor-private-app',
      permission: { kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] },
      adopt: false,
    });
  });

  test('harbor URL, pull secret name, robot store', () => {
    expect(r.harborUrl).toBe('https://reg.harbor.com');
    expect(r.pullSecretName).toBe('harbor-k8s');
    expect(r.credentials.kind).toBe('robot');
    expect(r.robotStore).toEqual({
      store: SecretStoreRef.cluster('harbor-robot-secrets'),
      emitStore: false,
      connectionSecretNamespace: 'harbor-robots',
      refreshInterval: '1h',
    });
  });

  test('robot prefix configurable; app names lowercased for the default robot name', () => {
    const x = resolveHarborPrivateApp('CoreDNS_App', { ...base, robotNamePrefix: 'bot-' });
    expect(x.robot!.name).toBe('coredns-app-pull');
    expect(x.robot!.fullName).toBe('bot-k8s+coredns-app-pull');
  });

  test('push is granted with the explicit opt-in', () => {
    const x = resolveHarborPrivateApp('ci', {
      ...base,
      robot: { actions: [RobotAction.PULL, RobotAction.PUSH], allowPush: true },
    });
    expect(x.robot!.permission.access.map((a) => a.action)).toEqual(['pull', 'push']);
  });

  test('no robot without robot credentials; existing Secret name is the pull secret name', () => {
    const x = resolveHarborPrivateApp('a', {
      ...base,
      credentials: PullCredentials.fromExistingSecret('registry-secret'),
    });
    expect(x.robot).toBeUndefined();
    expect(x.pullSecretName).toBe('registry-secret');
  });

  test('members resolve with group types', () => {
    const x = resolveHarborPrivateApp('a', {
      ...base,
      members: [
        HarborMember.user('alice', HarborRole.GUEST),
        HarborMember.group('cn=devs', HarborRole.DEVELOPER, {
          type: HarborGroupType.LDAP,
          ldapGroupDn: 'cn=devs,dc=example,dc=org',
        }),
      ],
    });
    expect(x.members).toEqual([
      {
        kind: 'user',
        name: 'alice',
        role: 'guest',
        groupType: undefined,
        groupTypeId: undefined,
        ldapGroupDn: undefined,
        adopt: false,
      },
      {
        kind: 'group',
        name: 'cn=devs',
        role: 'developer',
        groupType: 'ldap',
        groupTypeId: 1,
        ldapGroupDn: 'cn=devs,dc=example,dc=org',
        adopt: false,
      },
    ]);
  });

  test('adopt: members and the robot take over existing ones only when asked; a non-boolean is refused', () => {
    const x = resolveHarborPrivateApp('a', {
      ...base,
      members: [
        HarborMember.user('alice', HarborRole.GUEST, { adopt: true }),
        HarborMember.group('devs', HarborRole.DEVELOPER, { adopt: true }),
      ],
      robot: { name: 'a-pull', adopt: true },
    });
    expect(x.members.map((m) => m.adopt)).toEqual([true, true]);
    expect(x.robot!.adopt).toBe(true);
    expect(() => resolveHarborPrivateApp('a', { ...base, robot: { adopt: 'yes' as never } })).toThrow(
      /robot\.adopt = "yes": must be a boolean/,
    );
    expect(() =>
      resolveHarborPrivateApp('a', {
        ...base,
        members: [HarborMember.user('alice', HarborRole.GUEST, { adopt: 1 as never })],
      }),
    ).toThrow(/members\[0\]\.adopt = 1: must be a boolean/);
  });
});

describe('resolveHarborPrivateApp rejects bad input, naming field, value and fix', () => {
  const cases: Array<[string, Partial<EngineOptions> | (() => Partial<EngineOptions>), string, RegExp]> = [
    ['registry host with scheme', { registryHost: 'https://reg.harbor.com' }, 'registryHost', /"reg.harbor.com"/],
    ['registry host upper case', { registryHost: 'Reg.Harbor.com' }, 'registryHost', /lower case/],
    ['registry host bad port', { registryHost: 'reg.harbor.com:99999' }, 'registryHost', /host:port/],
    [
      'harbor URL with credentials',
      { harborUrl: 'https://admin:pw@reg.harbor.com' },
      'harborUrl',
      /remove the user:password/,
    ],
    ['project name upper case', { project: { name: 'K8s' } }, 'project.name', /"k8s"/],
    ['project name too long', { project: { name: 'a'.repeat(256) } }, 'project.name', /255/],
    ['quota 0', { project: { name: 'k8s', storageQuotaGb: 0 } }, 'project.storageQuotaGb', /-1/],
    [
      'adopt + forceDestroy',
      { project: { name: 'k8s', adopt: true, forceDestroy: true } },
      'project.forceDestroy',
      /drop forceDestroy/,
    ],
    [
      'robot name with $',
      { robot: { name: 'robot$k8s+x' } },
      'robot.name',
      /Harbor adds the "robot\$<project>\+" prefix/,
    ],
    ['robot name upper case', { robot: { name: 'Pull' } }, 'robot.name', /"pull"/],
    ['robot duration 0', { robot: { durationDays: 0 } }, 'robot.durationDays', /Harbor rejects \(400\)/],
    ['robot duration -2', { robot: { durationDays: -2 } }, 'robot.durationDays', /-1/],
    ['robot duration 1.5', { robot: { durationDays: 1.5 } }, 'robot.durationDays', /whole number/],
    ['rotation not an object', { robot: { rotation: 3 as never } }, 'robot.rotation', /rotation: \{ step: 0 \}/],
    ['rotation step negative', { robot: { rotation: { step: -1 } } }, 'robot.rotation.step', /raise it by one/],
    ['rotation step fraction', { robot: { rotation: { step: 0.5 } } }, 'robot.rotation.step', /start at 0/],
    [
      'rotation with a name too long for its slots',
      { robot: { name: 'r'.repeat(250), rotation: { step: 0 } } },
      'robot.name',
      /shorten it to at most 243 characters/,
    ],
    [
      'rotation mixing step and trigger',
      { robot: { rotation: { step: 1, trigger: 'a' } } },
      'robot.rotation',
      /use step with the cdk8s construct, everyDays and\/or trigger with the Pulumi component/,
    ],
    ['rotation every 0 days', { robot: { rotation: { everyDays: 0 } } }, 'robot.rotation.everyDays', /e\.g\. 30/],
    ['rotation every 1.5 days', { robot: { rotation: { everyDays: 1.5 } } }, 'robot.rotation.everyDays', />= 1/],
    [
      'rotation trigger empty',
      { robot: { rotation: { trigger: '' } } },
      'robot.rotation.trigger',
      /changing it rotates/,
    ],
    [
      'rotation trigger an object',
      { robot: { rotation: { trigger: { a: 1 } as never } } },
      'robot.rotation.trigger',
      /string .* or a finite number/,
    ],
    ['rotation trigger NaN', { robot: { rotation: { trigger: Number.NaN } } }, 'robot.rotation.trigger', /finite/],
    [
      'rotation trigger with a name too long for its successors',
      { robot: { name: 'r'.repeat(243), rotation: { trigger: 1 } } },
      'robot.name',
      /shorten it to at most 238 characters/,
    ],
    [
      'renewal of a robot that never expires',
      { robot: { renewBeforeDays: 5 } },
      'robot.renewBeforeDays',
      /never expires.*give robot\.durationDays a number of days/,
    ],
    [
      'renewal window 0',
      { robot: { durationDays: 30, renewBeforeDays: 0 } },
      'robot.renewBeforeDays',
      /e\.g\. 10 \(a third of durationDays/,
    ],
    [
      'renewal window as long as the duration',
      { robot: { durationDays: 30, renewBeforeDays: 30 } },
      'robot.renewBeforeDays',
      /every "pulumi up" would renew/,
    ],
    [
      'push without opt-in',
      { robot: { actions: [RobotAction.PULL, RobotAction.PUSH] } },
      'robot.actions',
      /allowPush: true/,
    ],
    ['no pull', { robot: { actions: [RobotAction.PUSH], allowPush: true } }, 'robot.actions', /add RobotAction.PULL/],
    ['unknown action', { robot: { actions: ['delete' as RobotAction] } }, 'robot.actions[0]', /RobotAction.PULL/],
    [
      'unknown role',
      () => ({ members: [HarborMember.user('a', 'admin' as HarborRole)] }),
      'members[0].role',
      /HarborRole.PROJECT_ADMIN, MAINTAINER, DEVELOPER, GUEST/,
    ],
    [
      'duplicate member',
      () => ({ members: [HarborMember.user('a', HarborRole.GUEST), HarborMember.user('a', HarborRole.DEVELOPER)] }),
      'members[1].name',
      /list each member once/,
    ],
    [
      'member not a HarborMember',
      { members: [{ kind: 'user', name: 'a', role: 'guest' } as unknown as HarborMember] },
      'members[0]',
      /HarborMember.user/,
    ],
    ['empty namespaces', { namespaces: [] }, 'namespaces', /at least one/],
    ['duplicate namespace', { namespaces: ['a', 'a'] }, 'namespaces[1]', /once/],
    ['namespace leading dash', { namespaces: ['-ns'] }, 'namespaces[0]', /RFC 1123/],
    ['namespace too long', { namespaces: ['n'.repeat(64)] }, 'namespaces[0]', /63/],
    ['pull secret name upper case', { pullSecretName: 'Registry' }, 'pullSecretName', /"registry"/],
    [
      'literal with a plain string password',
      () => ({
        credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({ username: 'u', password: 'x' as never }),
      }),
      'credentials.password',
      /SecretValue.unsafePlainText/,
    ],
    [
      'robot with other credentials',
      () => ({ credentials: PullCredentials.fromExistingSecret('s'), robot: { name: 'x' } }),
      'robot',
      /drop robot/,
    ],
    [
      'emitStore with a namespaced store',
      () => ({ robotSecrets: { store: SecretStoreRef.namespaced('s'), emitStore: true } }),
      'robotSecrets.emitStore',
      /SecretStoreRef.cluster/,
    ],
    [
      'bad refresh interval',
      () => ({ robotSecrets: { refreshInterval: '1 hour' } }),
      'robotSecrets.refreshInterval',
      /"1h"/,
    ],
    [
      'robotSecrets without the robot',
      () => ({ credentials: PullCredentials.fromExistingSecret('s'), robotSecrets: { emitStore: true } }),
      'robotSecrets',
      /drop robotSecrets/,
    ],
    [
      'bad external store refresh interval',
      () => ({
        credentials: PullCredentials.fromExternalStore({
          store: SecretStoreRef.cluster('vault'),
          key: 'k',
          refreshInterval: '1 hour',
        }),
      }),
      'credentials.refreshInterval',
      /"1h"/,
    ],
    [
      'pull secret = connection secret',
      () => ({
        namespaces: ['harbor-robots'],
        pullSecretName: 'k8s-coredns-pull-robot',
        robot: { name: 'coredns-pull' },
      }),
      'pullSecretName',
      /choose another/,
    ],
    [
      'existing secret name differs',
      () => ({ credentials: PullCredentials.fromExistingSecret('a'), pullSecretName: 'b' }),
      'pullSecretName',
      /drop pullSecretName/,
    ],
    ['duplicate service account', { serviceAccounts: ['default', 'default'] }, 'serviceAccounts[1]', /once/],
    [
      'ldap DN on an oidc group',
      () => ({ members: [HarborMember.group('g', HarborRole.GUEST, { ldapGroupDn: 'cn=g' })] }),
      'members[0].ldapGroupDn',
      /HarborGroupType.LDAP/,
    ],
  ];

  test.each(cases)('%s', (_name, override, field, fix) => {
    const props = { ...base, ...(typeof override === 'function' ? override() : override) };
    const e = errorOf(() => resolveHarborPrivateApp('coredns', props));
    expect(e.field).toBe(field);
    expect(e.message).toContain(`HarborPrivateApp "coredns": ${field} = `);
    expect(e.message).toMatch(/Fix: /);
    expect(e.message).toMatch(fix);
  });
});

describe('workload checks', () => {
  const app = resolveHarborPrivateApp('coredns', { ...base, registryHost: 'harbor.local:8443' });

  test('accepts images in the project on the registry host', () => {
    expect(() =>
      checkWorkloadImages(app, [
        { field: 'c', image: 'harbor.local:8443/k8s/coredns:1.2.6' },
        { field: 'd', image: 'harbor.local:8443/k8s/sub/x@sha256:' + 'c'.repeat(64) },
      ]),
    ).not.toThrow();
  });

  test.each([
    ['docker.io/coredns/coredns:1.2.6', /on registry "docker.io", not on "harbor.local:8443"/],
    ['coredns/coredns:1.2.6', /on registry "docker.io"/],
    ['harbor.local/k8s/coredns:1.2.6', /kubelet matches the port too/],
    ['Harbor.Local:8443/k8s/coredns:1.2.6', /kubelet matches the registry host case-sensitively/],
    ['harbor.local:8443/other/coredns:1.2.6', /in Harbor project "other"/],
    ['harbor.local:8443/coredns:1.2.6', /names no repository in a Harbor project: "coredns" is the whole path/],
  ])('rejects %s naming the image, the expected place and the fix', (image, problem) => {
    const e = errorOf(() => checkWorkloadImages(app, [{ field: 'workload.containers[0].image', image }]));
    expect(e.field).toBe('workload.containers[0].image');
    expect(e.message).toContain(JSON.stringify(image));
    expect(e.message).toMatch(problem);
    expect(e.fix).toContain('harbor.local:8443/k8s/');
  });

  test("an image that names no repository: the fix puts it in the app's project, not in a project of its name", () => {
    const e = errorOf(() => checkWorkloadImages(app, [{ field: 'c', image: 'harbor.local:8443/k8s:1' }]));
    expect(e.fix).toBe('reference the image as harbor.local:8443/k8s/<repository>, e.g. "harbor.local:8443/k8s/k8s:1"');
    expect(e.message).not.toMatch(/declare a HarborPrivateApp/);
    const digest = `sha256:${'d'.repeat(64)}`;
    const pinned = errorOf(() => checkWorkloadImages(app, [{ field: 'c', image: `harbor.local:8443/k8s@${digest}` }]));
    expect(pinned.fix).toContain(`"harbor.local:8443/k8s/k8s@${digest}"`);
    const elsewhere = errorOf(() => checkWorkloadImages(app, [{ field: 'c', image: `quay.io/x/app:1@${digest}` }]));
    expect(elsewhere.fix).toContain(`"harbor.local:8443/k8s/app:1@${digest}"`);
  });

  test('namespace must get the pull Secret', () => {
    expect(checkWorkloadNamespace(app, 'ns', undefined)).toBe('kube-system');
    const e = errorOf(() => checkWorkloadNamespace(app, 'workload.metadata.namespace', 'default'));
    expect(e.message).toMatch(/kubelet reads imagePullSecrets only from the pod's own namespace/);
    expect(e.fix).toBe('add "default" to namespaces, or run the workload in one of them');
  });
});

/** Harbor's own robot name rule (validateName, src/server/v2.0/handler/robot.go), written out here on purpose. */
const HARBOR_ROBOT_RULE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

describe("robot names follow Harbor's rule", () => {
  test.each(['pull', 'coredns-pull', 'a.b_c-d', '0', 'x1.y2'])('%s is accepted', (name) => {
    expect(HARBOR_ROBOT_RULE.test(name)).toBe(true);
    expect(resolveHarborPrivateApp('coredns', { ...base, robot: { name } }).robot!.name).toBe(name);
  });

  test.each(['-pull', 'pull-', '.pull', 'pull_', 'a--b', 'a._b', 'a..b', '-', 'Pull', 'a$b', 'a+b', 'a b', ''])(
    '%j is rejected before Harbor would answer 400',
    (name) => {
      expect(HARBOR_ROBOT_RULE.test(name)).toBe(false);
      const e = errorOf(() => resolveHarborPrivateApp('coredns', { ...base, robot: { name } }));
      expect(e.field).toBe('robot.name');
    },
  );

  test('the default name <app>-pull, derived from any app id, passes the rule', () => {
    const ids = [
      'coredns',
      'CoreDNS',
      'core_dns',
      'core.dns',
      '--edge--',
      '__',
      '.',
      'a..b',
      'App 1',
      'ünïcode',
      '$robot+x',
      'x'.repeat(300),
      '9',
      'team-a/app_b.c',
    ];
    for (const id of ids) {
      const name = resolveHarborPrivateApp(id, base).robot!.name;
      expect([id, HARBOR_ROBOT_RULE.test(name), name.length <= 255]).toEqual([id, true, true]);
      expect(name.endsWith('-pull')).toBe(true);
    }
  });

  test('the project name rule is the same rule (Harbor validates both with one pattern)', () => {
    for (const name of ['-k8s', 'k8s-', 'k8s--apps', 'k8s._apps']) {
      expect(errorOf(() => resolveHarborPrivateApp('a', { ...base, project: { name } })).field).toBe('project.name');
    }
    expect(resolveHarborPrivateApp('a', { ...base, project: { name: 'k8s.apps_x-y' } }).project.name).toBe(
      'k8s.apps_x-y',
    );
  });
});

describe("robot.durationDays: -1, or 1 up to Harbor's bound (below MaxInt32)", () => {
  test.each([-1, 1, 90, 2 ** 31 - 2])('%i is accepted', (durationDays) => {
    expect(resolveHarborPrivateApp('a', { ...base, robot: { durationDays } }).robot!.durationDays).toBe(durationDays);
  });
  test.each([0, -2, 2 ** 31 - 1, 1e10, Infinity, NaN, 1.5])('%d is rejected', (durationDays) => {
    const e = errorOf(() => resolveHarborPrivateApp('a', { ...base, robot: { durationDays } }));
    expect(e.field).toBe('robot.durationDays');
  });
});

describe('harborUrl: plain http:// only to loopback (the rule the Harbor client and the Pulumi engine share)', () => {
  test.each(['http://127.0.0.1:8080', 'http://localhost:5000', 'http://[::1]:8080', 'https://reg.example.com'])(
    '%s is accepted',
    (harborUrl) => {
      expect(resolveHarborPrivateApp('a', { ...base, harborUrl }).harborUrl).toBe(harborUrl);
    },
  );
  test.each(['http://reg.harbor.com', 'http://10.0.0.5:8080/harbor', 'http://128.0.0.1'])('%s is rejected', (url) => {
    const e = errorOf(() => resolveHarborPrivateApp('a', { ...base, harborUrl: url }));
    expect(e.field).toBe('harborUrl');
    expect(e.fix).toContain(`"${url.replace('http://', 'https://')}"`);
    expect(e.message).not.toMatch(/allowPlainHttp/);
  });
});

describe('harborUrl: the one parser the Harbor client uses too (parseHarborUrl)', () => {
  // The engines' own parser let these through; the Harbor client refused them only at its first call.
  test.each(['https://reg.harbor.com/?project=k8s', 'https://reg.harbor.com/#top'])('%s is rejected', (harborUrl) => {
    const e = errorOf(() => resolveHarborPrivateApp('a', { ...base, harborUrl }));
    expect(e.field).toBe('harborUrl');
    expect(e.message).toContain('carries a query or fragment, which the Harbor client refuses');
    expect(e.fix).toContain('"https://reg.harbor.com"');
  });
  test('credentials are never shown, whatever the scheme', () => {
    const e = errorOf(() => resolveHarborPrivateApp('a', { ...base, harborUrl: 'ftp://admin:pw@reg.harbor.com' }));
    expect(e.field).toBe('harborUrl');
    expect(e.message).toContain('embeds credentials');
    expect(e.message).not.toContain('pw');
  });
});

describe('allowPush', () => {
  test('true with the default actions is rejected: it would grant nothing', () => {
    const e = errorOf(() => resolveHarborPrivateApp('a', { ...base, robot: { allowPush: true } }));
    expect([e.field, e.fix]).toEqual([
      'robot.allowPush',
      'add RobotAction.PUSH to robot.actions if this robot must push, or drop allowPush',
    ]);
  });
  test('false with the default actions is fine (pull-only, as declared)', () => {
    expect(resolveHarborPrivateApp('a', { ...base, robot: { allowPush: false } }).robot!.permission.access).toEqual([
      { resource: 'repository', action: 'pull' },
    ]);
  });
});

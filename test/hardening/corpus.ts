/**
 * The bad-input corpus: invalid HarborPrivateApp inputs that users really write, each with the field, the value and
 * the fix its error must name. test/hardening/bad-input.test.ts runs every case against BOTH engines (the cdk8s
 * construct and the Pulumi component) and requires each to be rejected at construction, before any API call.
 *
 * Each case is a delta on {@link validCorpusProps} (and, for the Pulumi engine, on its Harbor connection), built by a
 * function so every engine gets fresh objects. Nothing here is a credential: the few password-shaped values are
 * random per test run and exist to prove they are NOT echoed.
 */
import { randomBytes } from 'node:crypto';
import type { HarborPrivateAppProps, RobotProps } from '../../lib/cdk8s/props';
import {
  HarborGroupType,
  HarborMember,
  HarborRole,
  PullCredentials,
  RobotAction,
  SecretStoreRef,
  SecretValue,
} from '../../lib/core';
import type { HarborPrivateAppArgs, RobotArgs } from '../../lib/pulumi/component/args';
import type { HarborTuning } from '../../lib/pulumi/providers/connection';

/**
 * Which engines a case applies to: `both`, or only one: the cdk8s construct (its own props) or the Pulumi component
 * (its own args, its Harbor connection).
 */
export type CorpusEngines = 'both' | 'cdk8s' | 'pulumi';

/** Props or args of either engine (each case uses only those of the engines it names). */
export type CorpusProps = Partial<Omit<HarborPrivateAppProps, 'robot'>> &
  Partial<Omit<HarborPrivateAppArgs, 'robot'>> & { readonly robot?: RobotProps & RobotArgs };

/** Stack configuration keys of the default connection (without the project's namespace); `undefined` unsets one. */
export type CorpusConfig = Partial<
  Record<'harborUrl' | 'harborUsername' | 'harborPassword' | 'harborCaBundle', string | undefined>
>;

/** One invalid input and what its error must say. */
export interface BadInputCase {
  /** Unique id (kebab-case), used as the test name. */
  readonly id: string;
  /** The mistake, in the user's words. */
  readonly mistake: string;
  /** Where it applies. */
  readonly engines: CorpusEngines;
  /** Props replacing those of {@link validCorpusProps} (shallow merge). */
  readonly props?: () => CorpusProps;
  /** Pulumi only: stack configuration keys replacing those of the valid login (shallow merge). */
  readonly config?: () => CorpusConfig;
  /** Pulumi only: tuning options of the connection, `HarborConnection.fromConfig('harbor', tuning)`. */
  readonly tuning?: () => Partial<Record<keyof HarborTuning, unknown>>;
  /** `HarborPrivateAppError.field`, exactly. */
  readonly field: string;
  /** Text the message must show for the value received (usually the JSON-quoted value). */
  readonly shown: string;
  /** What `HarborPrivateAppError.fix` (the text after `Fix:`) must say. */
  readonly fix: RegExp;
  /** Texts that must NOT appear in the message (credentials given in the bad input). */
  readonly neverShown?: readonly string[];
}

/** The registry host and project of every case (the seed's). */
export const CORPUS_REGISTRY = 'reg.harbor.com';
export const CORPUS_PROJECT = 'k8s';
/** The Harbor user the valid props add as a member: the emulator must know it. */
export const CORPUS_MEMBER = 'k8s-puller';
/** A valid image of the project. */
export const CORPUS_IMAGE = `${CORPUS_REGISTRY}/${CORPUS_PROJECT}/coredns:1.2.6`;

/** Random per run: password-shaped values that bad inputs carry and no message may echo. */
export const CORPUS_PLANTED = {
  urlPassword: `urlpw${randomBytes(9).toString('hex')}`,
  literalPassword: `litpw${randomBytes(9).toString('hex')}`,
  /** Put where a login name, an image or a member belongs (a password in the wrong place). */
  strayPassword: `strpw${randomBytes(9).toString('hex')}`,
  /** The body of a PEM block given where a CA certificate belongs (stands for a key: never shown). */
  pemBody: `MII${randomBytes(18).toString('base64')}`,
} as const;

/** `<redacted: N characters>`: how a message shows a credential of that length. */
export function redactedShape(text: string): string {
  return `<redacted: ${text.length} characters>`;
}

const DIGEST = `sha256:${'d'.repeat(64)}`;

/**
 * Valid props: a private project, one guest member, the default pull-only robot, the pull Secret in `kube-system`
 * and a one-container Deployment. Rendered, they declare exactly 3 Harbor objects (project, member, robot).
 */
export function validCorpusProps(): HarborPrivateAppProps & HarborPrivateAppArgs {
  return {
    registryHost: CORPUS_REGISTRY,
    project: { name: CORPUS_PROJECT },
    members: [HarborMember.user(CORPUS_MEMBER, HarborRole.GUEST)],
    namespaces: ['kube-system'],
    workload: {
      metadata: { name: 'coredns' },
      containers: [{ image: CORPUS_IMAGE, securityContext: { ensureNonRoot: false } }],
    },
  };
}

/** A workload (valid everywhere but in its images or namespace) for the image cases. */
function workloadWith(
  containers: string[],
  initContainers: string[] = [],
  namespace?: string,
): Partial<HarborPrivateAppProps> {
  return {
    workload: {
      metadata: { name: 'coredns', ...(namespace ? { namespace } : {}) },
      containers: containers.map((image) => ({ image, securityContext: { ensureNonRoot: false } })),
      initContainers: initContainers.map((image) => ({ image, securityContext: { ensureNonRoot: false } })),
    },
  };
}

const HARBOR_NAME_FIX = /use a name such as /;
const K8S_NAME_FIX = /use a name such as /;

/** The corpus. Every id is unique; every case is a distinct mistake. */
export const BAD_INPUTS: readonly BadInputCase[] = [
  // Names Harbor rejects.
  {
    id: 'project-upper-case',
    mistake: 'project name with upper case',
    engines: 'both',
    props: () => ({ project: { name: 'K8s' } }),
    field: 'project.name',
    shown: '"K8s"',
    fix: /"k8s"/,
  },
  {
    id: 'project-plus',
    mistake: 'project name with "+"',
    engines: 'both',
    props: () => ({ project: { name: 'k8s+apps' } }),
    field: 'project.name',
    shown: '"k8s+apps"',
    fix: /"k8s-apps"/,
  },
  {
    id: 'project-dollar',
    mistake: 'project name with "$"',
    engines: 'both',
    props: () => ({ project: { name: 'k8s$' } }),
    field: 'project.name',
    shown: '"k8s$"',
    fix: /"k8s"/,
  },
  {
    id: 'project-too-long',
    mistake: 'project name of 256 characters',
    engines: 'both',
    props: () => ({ project: { name: 'p'.repeat(256) } }),
    field: 'project.name',
    shown: `"${'p'.repeat(100)}`,
    fix: HARBOR_NAME_FIX,
  },
  {
    id: 'project-leading-dash',
    mistake: 'project name starting with "-"',
    engines: 'both',
    props: () => ({ project: { name: '-k8s' } }),
    field: 'project.name',
    shown: '"-k8s"',
    fix: /"k8s"/,
  },
  {
    id: 'project-double-separator',
    mistake: 'project name with two separators in a row',
    engines: 'both',
    props: () => ({ project: { name: 'k8s--apps' } }),
    field: 'project.name',
    shown: '"k8s--apps"',
    fix: HARBOR_NAME_FIX,
  },
  {
    id: 'robot-upper-case',
    mistake: 'robot name with upper case',
    engines: 'both',
    props: () => ({ robot: { name: 'Pull' } }),
    field: 'robot.name',
    shown: '"Pull"',
    fix: /"pull"/,
  },
  {
    id: 'robot-full-name',
    mistake: 'robot name given as the full login name with "robot$" prefix',
    engines: 'both',
    props: () => ({ robot: { name: 'robot$k8s+coredns-pull' } }),
    field: 'robot.name',
    shown: '"robot$k8s+coredns-pull"',
    fix: /give the short name only: Harbor adds the "robot\$<project>\+" prefix itself/,
  },
  {
    id: 'robot-plus',
    mistake: 'robot name with "+"',
    engines: 'both',
    props: () => ({ robot: { name: 'k8s+pull' } }),
    field: 'robot.name',
    shown: '"k8s+pull"',
    fix: /short name only/,
  },
  {
    id: 'robot-leading-separator',
    mistake: 'robot name starting with a separator (Harbor: 400)',
    engines: 'both',
    props: () => ({ robot: { name: '-pull' } }),
    field: 'robot.name',
    shown: '"-pull"',
    fix: /"pull"/,
  },
  {
    id: 'robot-trailing-separator',
    mistake: 'robot name ending with a separator (Harbor: 400)',
    engines: 'both',
    props: () => ({ robot: { name: 'coredns.' } }),
    field: 'robot.name',
    shown: '"coredns."',
    fix: /"coredns"/,
  },
  {
    id: 'robot-stored-name-too-long',
    mistake: 'robot name that fits 255 characters alone but not as Harbor stores it, "k8s+<name>" (Harbor: 500)',
    engines: 'both',
    props: () => ({ robot: { name: 'r'.repeat(252) } }),
    field: 'robot.name',
    shown: `"${'r'.repeat(70)}`,
    fix: /at most 251 characters/,
  },
  {
    id: 'robot-double-separator',
    mistake: 'robot name with two separators in a row (Harbor: 400)',
    engines: 'both',
    props: () => ({ robot: { name: 'coredns__pull' } }),
    field: 'robot.name',
    shown: '"coredns__pull"',
    fix: /"coredns-pull"/,
  },
  {
    id: 'robot-separators-only',
    mistake: 'robot name of separators only',
    engines: 'both',
    props: () => ({ robot: { name: '._-' } }),
    field: 'robot.name',
    shown: '"._-"',
    fix: /"app-pull"/,
  },
  {
    id: 'robot-prefix-template-open',
    mistake: 'robot name prefix with the Go template delimiter "{{" (the ExternalSecret template would not parse)',
    engines: 'cdk8s',
    props: () => ({ robotNamePrefix: 'robot{{' }),
    field: 'robotNamePrefix',
    shown: '"robot{{"',
    fix: /robot_name_prefix/,
  },
  {
    id: 'robot-prefix-template-close',
    mistake: 'robot name prefix with the Go template delimiter "}}"',
    engines: 'cdk8s',
    props: () => ({ robotNamePrefix: '}}robot$' }),
    field: 'robotNamePrefix',
    shown: '"}}robot$"',
    fix: /robot_name_prefix/,
  },
  {
    id: 'robot-prefix-colon',
    mistake: 'robot name prefix with ":" (the login name goes into "username:password")',
    engines: 'cdk8s',
    props: () => ({ robotNamePrefix: 'robot:' }),
    field: 'robotNamePrefix',
    shown: '"robot:"',
    fix: /robot_name_prefix/,
  },
  {
    id: 'robot-prefix-space',
    mistake: 'robot name prefix with white space',
    engines: 'cdk8s',
    props: () => ({ robotNamePrefix: 'robot $' }),
    field: 'robotNamePrefix',
    shown: '"robot $"',
    fix: /robot_name_prefix/,
  },

  // Names Kubernetes rejects.
  {
    id: 'namespace-upper-case',
    mistake: 'namespace with upper case',
    engines: 'both',
    props: () => ({ namespaces: ['Kube-System'] }),
    field: 'namespaces[0]',
    shown: '"Kube-System"',
    fix: /"kube-system"/,
  },
  {
    id: 'namespace-too-long',
    mistake: 'namespace of 64 characters',
    engines: 'both',
    props: () => ({ namespaces: ['n'.repeat(64)] }),
    field: 'namespaces[0]',
    shown: `"${'n'.repeat(64)}"`,
    fix: K8S_NAME_FIX,
  },
  {
    id: 'namespace-leading-dash',
    mistake: 'namespace starting with "-"',
    engines: 'both',
    props: () => ({ namespaces: ['-apps'] }),
    field: 'namespaces[0]',
    shown: '"-apps"',
    fix: /"apps"/,
  },
  {
    id: 'namespace-dot',
    mistake: 'namespace with "." (a label, not a subdomain)',
    engines: 'both',
    props: () => ({ namespaces: ['team.apps'] }),
    field: 'namespaces[0]',
    shown: '"team.apps"',
    fix: /"team-apps"/,
  },
  {
    id: 'pull-secret-upper-case',
    mistake: 'pull Secret name with upper case',
    engines: 'both',
    props: () => ({ pullSecretName: 'Registry-Secret' }),
    field: 'pullSecretName',
    shown: '"Registry-Secret"',
    fix: /"registry-secret"/,
  },
  {
    id: 'pull-secret-too-long',
    mistake: 'pull Secret name of 254 characters',
    engines: 'both',
    props: () => ({ pullSecretName: 's'.repeat(254) }),
    field: 'pullSecretName',
    shown: `"${'s'.repeat(100)}`,
    fix: K8S_NAME_FIX,
  },
  {
    id: 'service-account-dollar',
    mistake: 'ServiceAccount name with "$"',
    engines: 'both',
    props: () => ({ serviceAccounts: ['coredns$'] }),
    field: 'serviceAccounts[0]',
    shown: '"coredns$"',
    fix: /"coredns"/,
  },

  // Robot.
  {
    id: 'robot-duration-zero',
    mistake: 'robot duration 0 days',
    engines: 'both',
    props: () => ({ robot: { durationDays: 0 } }),
    field: 'robot.durationDays',
    shown: '= 0:',
    fix: /use -1, or e\.g\. 90/,
  },
  {
    id: 'robot-duration-fraction',
    mistake: 'robot duration 1.5 days',
    engines: 'both',
    props: () => ({ robot: { durationDays: 1.5 } }),
    field: 'robot.durationDays',
    shown: '= 1.5:',
    fix: /use -1/,
  },
  {
    id: 'robot-duration-too-large',
    mistake: 'robot duration of 1e10 days (Harbor requires less than MaxInt32)',
    engines: 'both',
    props: () => ({ robot: { durationDays: 1e10 } }),
    field: 'robot.durationDays',
    shown: '= 10000000000:',
    fix: /use -1/,
  },
  {
    id: 'robot-duration-max-int32',
    mistake: 'robot duration of exactly MaxInt32 days (Harbor: below MaxInt32)',
    engines: 'both',
    props: () => ({ robot: { durationDays: 2 ** 31 - 1 } }),
    field: 'robot.durationDays',
    shown: '= 2147483647:',
    fix: /use -1/,
  },
  {
    id: 'allow-push-with-default-actions',
    mistake: 'allowPush: true with the default actions (the robot would silently stay pull-only)',
    engines: 'both',
    props: () => ({ robot: { allowPush: true } }),
    field: 'robot.allowPush',
    shown: '= true:',
    fix: /add RobotAction\.PUSH to robot\.actions/,
  },
  {
    id: 'allow-push-not-boolean',
    mistake: 'allowPush given as the string "true"',
    engines: 'both',
    props: () => ({ robot: { allowPush: 'true' as unknown as boolean } }),
    field: 'robot.allowPush',
    shown: '"true"',
    fix: /use true or false/,
  },
  {
    id: 'rotation-step-negative',
    mistake: 'rotation step below 0',
    engines: 'cdk8s',
    props: () => ({ robot: { rotation: { step: -1 } } }),
    field: 'robot.rotation.step',
    shown: '= -1:',
    fix: /start at 0 and raise it by one per reviewed change/,
  },
  {
    id: 'rotation-step-fraction',
    mistake: 'rotation step 2.5 (half a step)',
    engines: 'cdk8s',
    props: () => ({ robot: { rotation: { step: 2.5 } } }),
    field: 'robot.rotation.step',
    shown: '= 2.5:',
    fix: /raise it by one/,
  },
  {
    id: 'rotation-every-zero-days',
    mistake: 'scheduled rotation every 0 days',
    engines: 'pulumi',
    props: () => ({ robot: { rotation: { everyDays: 0 } } }),
    field: 'robot.rotation.everyDays',
    shown: '= 0:',
    fix: /e\.g\. 30/,
  },
  {
    id: 'renewal-of-a-robot-that-never-expires',
    mistake: 'a renewal window for a robot that never expires',
    engines: 'pulumi',
    props: () => ({ robot: { renewBeforeDays: 10 } }),
    field: 'robot.renewBeforeDays',
    shown: '= 10:',
    fix: /give robot\.durationDays a number of days/,
  },
  {
    id: 'push-without-opt-in',
    mistake: 'push requested without allowPush',
    engines: 'both',
    props: () => ({ robot: { actions: [RobotAction.PULL, RobotAction.PUSH] } }),
    field: 'robot.actions',
    shown: '["pull","push"]',
    fix: /allowPush: true/,
  },
  {
    id: 'unknown-action',
    mistake: 'an action the construct does not grant',
    engines: 'both',
    props: () => ({ robot: { actions: [RobotAction.PULL, 'delete' as RobotAction] } }),
    field: 'robot.actions[1]',
    shown: '"delete"',
    fix: /RobotAction\.PULL/,
  },
  {
    id: 'robot-with-existing-secret',
    mistake: 'robot options with credentials from an existing Secret',
    engines: 'both',
    props: () => ({ credentials: PullCredentials.fromExistingSecret('registry-secret'), robot: { name: 'pull' } }),
    field: 'robot',
    shown: '{"name":"pull"}',
    fix: /drop robot/,
  },

  // Members.
  {
    id: 'unknown-role',
    mistake: 'a role Harbor does not have',
    engines: 'both',
    props: () => ({ members: [HarborMember.user(CORPUS_MEMBER, 'admin' as HarborRole)] }),
    field: 'members[0].role',
    shown: '"admin"',
    fix: /HarborRole\.PROJECT_ADMIN, MAINTAINER, DEVELOPER, GUEST or LIMITED_GUEST/,
  },
  {
    id: 'duplicate-member',
    mistake: 'the same user twice with two roles',
    engines: 'both',
    props: () => ({
      members: [
        HarborMember.user(CORPUS_MEMBER, HarborRole.GUEST),
        HarborMember.user(CORPUS_MEMBER, HarborRole.DEVELOPER),
      ],
    }),
    field: 'members[1].name',
    shown: `"${CORPUS_MEMBER}"`,
    fix: /list each member once/,
  },
  {
    id: 'member-padded-name',
    mistake: 'a member name with a trailing space',
    engines: 'both',
    props: () => ({ members: [HarborMember.user(`${CORPUS_MEMBER} `, HarborRole.GUEST)] }),
    field: 'members[0].name',
    shown: `"${CORPUS_MEMBER} "`,
    fix: /exactly/,
  },
  {
    id: 'member-object-with-password',
    mistake: "a member written as a plain object, with the user's password in it",
    engines: 'both',
    props: () => ({
      members: [
        {
          kind: 'user',
          name: CORPUS_MEMBER,
          role: 'guest',
          password: CORPUS_PLANTED.strayPassword,
        } as unknown as HarborMember,
      ],
    }),
    field: 'members[0]',
    shown: `"password":"${redactedShape(CORPUS_PLANTED.strayPassword)}"`,
    fix: /HarborMember\.user/,
    neverShown: [CORPUS_PLANTED.strayPassword],
  },
  {
    id: 'ldap-dn-on-oidc-group',
    mistake: 'an LDAP DN on an OIDC group',
    engines: 'both',
    props: () => ({
      members: [
        HarborMember.group('devs', HarborRole.GUEST, {
          type: HarborGroupType.OIDC,
          ldapGroupDn: 'cn=devs,dc=example,dc=org',
        }),
      ],
    }),
    field: 'members[0].ldapGroupDn',
    shown: '"cn=devs,dc=example,dc=org"',
    fix: /HarborGroupType\.LDAP/,
  },

  // Namespaces and workload.
  {
    id: 'empty-namespaces',
    mistake: 'an empty namespaces list',
    engines: 'both',
    props: () => ({ namespaces: [] }),
    field: 'namespaces',
    shown: '= []:',
    fix: /list the namespaces whose pods pull/,
  },
  {
    id: 'duplicate-namespace',
    mistake: 'a namespace listed twice',
    engines: 'both',
    props: () => ({ namespaces: ['kube-system', 'apps', 'kube-system'] }),
    field: 'namespaces[2]',
    shown: '"kube-system"',
    fix: /list each namespace once/,
  },
  {
    id: 'workload-other-namespace',
    mistake: 'the workload in a namespace that gets no pull Secret',
    engines: 'both',
    props: () => workloadWith([CORPUS_IMAGE], [], 'default'),
    field: 'workload.metadata.namespace',
    shown: '"default"',
    fix: /add "default" to namespaces/,
  },
  {
    id: 'image-other-host',
    mistake: 'an image on Docker Hub',
    engines: 'both',
    props: () => workloadWith(['docker.io/coredns/coredns:1.2.6']),
    field: 'workload.containers[0].image',
    shown: '"docker.io/coredns/coredns:1.2.6"',
    fix: /"reg\.harbor\.com\/k8s\/coredns:1\.2\.6"/,
  },
  {
    id: 'image-implicit-docker-hub',
    mistake: 'an image without a registry host',
    engines: 'both',
    props: () => workloadWith(['coredns:1.2.6']),
    field: 'workload.containers[0].image',
    shown: '"coredns:1.2.6"',
    fix: /reg\.harbor\.com\/k8s\//,
  },
  {
    id: 'image-other-project',
    mistake: 'an image in another Harbor project',
    engines: 'both',
    props: () => workloadWith([CORPUS_IMAGE, `${CORPUS_REGISTRY}/library/busybox:1.36`]),
    field: 'workload.containers[1].image',
    shown: '"reg.harbor.com/library/busybox:1.36"',
    fix: /declare a HarborPrivateApp for project "library"/,
  },
  {
    id: 'image-port-mismatch',
    mistake: "the image host without the registry's port",
    engines: 'both',
    props: () => ({ registryHost: 'harbor.local:8443', ...workloadWith(['harbor.local/k8s/coredns:1.2.6']) }),
    field: 'workload.containers[0].image',
    shown: '"harbor.local/k8s/coredns:1.2.6"',
    fix: /"harbor\.local:8443\/k8s\/coredns:1\.2\.6"/,
  },
  {
    id: 'init-image-other-project',
    mistake: 'an init container image in another project',
    engines: 'both',
    props: () => workloadWith([CORPUS_IMAGE], [`${CORPUS_REGISTRY}/tools/wait:1`]),
    field: 'workload.initContainers[0].image',
    shown: '"reg.harbor.com/tools/wait:1"',
    fix: /push the image to reg\.harbor\.com\/k8s\/<repository>/,
  },
  {
    id: 'digest-other-project',
    mistake: 'a digest-only image from another project',
    engines: 'both',
    props: () => workloadWith([`${CORPUS_REGISTRY}/other/coredns@${DIGEST}`]),
    field: 'workload.containers[0].image',
    shown: `"${CORPUS_REGISTRY}/other/coredns@sha256:`,
    fix: /project "other"/,
  },
  {
    id: 'image-with-user-info',
    mistake: 'an image reference with user:password@ before the host',
    engines: 'both',
    props: () => workloadWith([`k8s-puller:${CORPUS_PLANTED.strayPassword}@${CORPUS_IMAGE}`]),
    field: 'workload.containers[0].image',
    shown: `"${redactedShape(`k8s-puller:${CORPUS_PLANTED.strayPassword}`)}@${CORPUS_IMAGE}"`,
    fix: /remove everything up to the "@"/,
    neverShown: [CORPUS_PLANTED.strayPassword],
  },
  {
    id: 'image-upper-case-path',
    mistake: 'an image path with upper case',
    engines: 'both',
    props: () => workloadWith([`${CORPUS_REGISTRY}/k8s/CoreDNS:1.2.6`]),
    field: 'workload.containers[0].image',
    shown: '"reg.harbor.com/k8s/CoreDNS:1.2.6"',
    fix: /<registry host\[:port\]>\/<project>\/<repository>/,
  },

  // Pull Secret and credentials.
  {
    id: 'pull-secret-clashes-with-connection-secret',
    mistake: "a pull Secret name equal to the robot's connection Secret in its namespace",
    engines: 'both',
    props: () => ({
      namespaces: ['kube-system', 'harbor-robots'],
      robot: { name: 'coredns-pull' },
      pullSecretName: 'k8s-coredns-pull-robot',
    }),
    field: 'pullSecretName',
    shown: '"k8s-coredns-pull-robot"',
    fix: /choose another pullSecretName/,
  },
  {
    id: 'pull-secret-differs-from-existing',
    mistake: 'pullSecretName different from the existing Secret used',
    engines: 'both',
    props: () => ({ credentials: PullCredentials.fromExistingSecret('registry-secret'), pullSecretName: 'harbor-k8s' }),
    field: 'pullSecretName',
    shown: '"harbor-k8s"',
    fix: /drop pullSecretName/,
  },
  {
    id: 'literal-without-opt-in',
    mistake: 'a literal credential as a plain string, not a SecretValue',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+ci',
        password: CORPUS_PLANTED.literalPassword as unknown as SecretValue,
      }),
    }),
    field: 'credentials.password',
    shown: `= ${redactedShape(CORPUS_PLANTED.literalPassword)}:`,
    fix: /SecretValue\.unsafePlainText/,
    neverShown: [CORPUS_PLANTED.literalPassword],
  },
  {
    id: 'credentials-plain-object',
    mistake: 'credentials given as a plain { username, password } object',
    engines: 'both',
    props: () => ({
      credentials: { username: 'robot$k8s+ci', password: CORPUS_PLANTED.strayPassword } as unknown as PullCredentials,
    }),
    field: 'credentials',
    shown: `"password":"${redactedShape(CORPUS_PLANTED.strayPassword)}"`,
    fix: /PullCredentials\.fromRobot\(\)/,
    neverShown: [CORPUS_PLANTED.strayPassword],
  },
  {
    id: 'literal-username-with-password',
    mistake: 'a literal username with the password appended after ":"',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: `robot$x+y:${CORPUS_PLANTED.strayPassword}`,
        password: SecretValue.unsafePlainText(CORPUS_PLANTED.literalPassword),
      }),
    }),
    field: 'credentials.username',
    shown: `"robot$x+y:${redactedShape(CORPUS_PLANTED.strayPassword)}"`,
    fix: /"robot\$k8s\+ci"/,
    neverShown: [CORPUS_PLANTED.strayPassword, CORPUS_PLANTED.literalPassword],
  },
  {
    id: 'literal-username-colon',
    mistake: 'a literal username with ":" (Basic auth cannot carry it)',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot:ci',
        password: SecretValue.unsafePlainText(CORPUS_PLANTED.literalPassword),
      }),
    }),
    field: 'credentials.username',
    shown: `"robot:${redactedShape('ci')}"`,
    fix: /"robot\$k8s\+ci"/,
    neverShown: [CORPUS_PLANTED.literalPassword],
  },
  {
    id: 'external-store-same-property',
    mistake: 'username and password read from the same property of the store',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromExternalStore({
        store: SecretStoreRef.cluster('vault'),
        key: 'harbor/k8s',
        usernameProperty: 'token',
        passwordProperty: 'token',
      }),
    }),
    field: 'credentials.passwordProperty',
    shown: '"token"',
    fix: /name the two properties/,
  },
  {
    id: 'emit-namespaced-store',
    mistake: 'emitStore with a namespaced SecretStore',
    engines: 'cdk8s',
    props: () => ({
      robotSecrets: { store: SecretStoreRef.namespaced('harbor'), emitStore: true },
    }),
    field: 'robotSecrets.emitStore',
    shown: '= true:',
    fix: /SecretStoreRef\.cluster/,
  },
  {
    id: 'refresh-not-a-duration',
    mistake: 'a refresh interval in words',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromExternalStore({
        store: SecretStoreRef.cluster('vault'),
        key: 'harbor/k8s',
        refreshInterval: '1 hour',
      }),
    }),
    field: 'credentials.refreshInterval',
    shown: '"1 hour"',
    fix: /"1h"/,
  },

  // Registry host, Harbor URL, project settings.
  {
    id: 'registry-host-with-scheme',
    mistake: 'the registry host given as a URL',
    engines: 'both',
    props: () => ({ registryHost: 'https://reg.harbor.com' }),
    field: 'registryHost',
    shown: '"https://reg.harbor.com"',
    fix: /"reg\.harbor\.com"/,
  },
  {
    id: 'registry-host-bad-port',
    mistake: 'a registry port above 65535',
    engines: 'both',
    props: () => ({ registryHost: 'reg.harbor.com:70000' }),
    field: 'registryHost',
    shown: '"reg.harbor.com:70000"',
    fix: /"host:port"/,
  },
  {
    id: 'harbor-url-with-credentials',
    mistake: 'harborUrl with user:password in it',
    engines: 'pulumi',
    props: () => ({ harborUrl: `https://admin:${CORPUS_PLANTED.urlPassword}@reg.harbor.com` }),
    field: 'harborUrl',
    shown: '"<URL with user info>"',
    fix: /remove the user:password part/,
    neverShown: [CORPUS_PLANTED.urlPassword],
  },
  {
    id: 'harbor-url-plain-http',
    mistake: 'harborUrl with plain http:// to a non-loopback host (the password would travel in clear text)',
    engines: 'pulumi',
    props: () => ({ harborUrl: 'http://reg.harbor.com' }),
    field: 'harborUrl',
    shown: '"http://reg.harbor.com"',
    fix: /use "https:\/\/reg\.harbor\.com".*only to a loopback host/,
    neverShown: ['allowPlainHttp'],
  },
  {
    id: 'quota-zero',
    mistake: 'a storage quota of 0 GB',
    engines: 'both',
    props: () => ({ project: { name: CORPUS_PROJECT, storageQuotaGb: 0 } }),
    field: 'project.storageQuotaGb',
    shown: '= 0:',
    fix: /use -1 or e\.g\. 10/,
  },
  {
    id: 'quota-above-harbor-max',
    mistake: 'a storage quota above 1024 TB (Harbor: 400)',
    engines: 'both',
    props: () => ({ project: { name: CORPUS_PROJECT, storageQuotaGb: 1024 * 1024 + 1 } }),
    field: 'project.storageQuotaGb',
    shown: '= 1048577:',
    fix: /use at most 1048576, or -1/,
  },
  {
    id: 'adopt-and-force-destroy',
    mistake: 'forceDestroy on an adopted project',
    engines: 'both',
    props: () => ({ project: { name: CORPUS_PROJECT, adopt: true, forceDestroy: true } }),
    field: 'project.forceDestroy',
    shown: '= true:',
    fix: /drop forceDestroy/,
  },
  {
    id: 'provider-config-upper-case',
    mistake: 'a Crossplane ProviderConfig name with upper case',
    engines: 'cdk8s',
    props: () => ({ providerConfigName: 'Harbor' }),
    field: 'providerConfigName',
    shown: '"Harbor"',
    fix: /"harbor"/,
  },

  // The Pulumi engine's Harbor connection: the stack configuration keys HarborConnection.fromConfig() reads, and its
  // tuning options.
  {
    id: 'harbor-missing',
    mistake: 'no Harbor login: the stack configuration keys are not set',
    engines: 'pulumi',
    config: () => ({ harborUsername: undefined, harborPassword: undefined }),
    field: 'project:harborUsername',
    shown: '= undefined:',
    fix: /pulumi config set harborUsername/,
  },
  {
    id: 'harbor-password-missing',
    mistake: 'no Harbor password',
    engines: 'pulumi',
    config: () => ({ harborPassword: undefined }),
    field: 'project:harborPassword',
    shown: '= undefined: is not set',
    fix: /pulumi config set --secret harborPassword/,
  },
  {
    id: 'harbor-username-empty',
    mistake: 'a Harbor user set to the empty string',
    engines: 'pulumi',
    config: () => ({ harborUsername: '' }),
    field: 'project:harborUsername',
    shown: '= "": is empty',
    fix: /pulumi config set harborUsername/,
  },
  {
    id: 'harbor-http-non-loopback',
    mistake: 'plain http:// to a non-loopback Harbor',
    engines: 'pulumi',
    config: () => ({ harborUrl: 'http://harbor.example.com' }),
    field: 'project:harborUrl',
    shown: '"http://harbor.example.com"',
    fix: /pulumi config set harborUrl https:\/\/harbor\.example\.com .*only to a loopback host/,
    neverShown: ['allowPlainHttp'],
  },
  {
    id: 'harbor-connection-url-with-credentials',
    mistake: 'harborUrl in the stack configuration with user:password in it',
    engines: 'pulumi',
    config: () => ({ harborUrl: `https://admin:${CORPUS_PLANTED.urlPassword}@harbor.example.com` }),
    field: 'project:harborUrl',
    shown: '"https://***@harbor.example.com"',
    fix: /https:\/\/<harbor>/,
    neverShown: [CORPUS_PLANTED.urlPassword],
  },
  {
    id: 'harbor-ca-not-pem',
    mistake: 'a CA bundle given as a file path',
    engines: 'pulumi',
    config: () => ({ harborUrl: 'https://harbor.example.com', harborCaBundle: '/etc/ssl/harbor-ca.crt' }),
    field: 'project:harborCaBundle',
    shown: '"/etc/ssl/harbor-ca.crt": is a file path, not PEM text',
    fix: /pulumi config set harborCaBundle "\$\(cat \/etc\/ssl\/harbor-ca\.crt\)", with the PEM text of the CA/,
  },
  {
    id: 'harbor-ca-key',
    mistake: "a private key given as the CA bundle (the CA's key, not its certificate)",
    engines: 'pulumi',
    config: () => ({
      harborUrl: 'https://harbor.example.com',
      harborCaBundle: `-----BEGIN PRIVATE KEY-----\n${CORPUS_PLANTED.pemBody}\n-----END PRIVATE KEY-----\n`,
    }),
    field: 'project:harborCaBundle',
    shown: '"<PEM PRIVATE KEY block, 82 characters>": holds no PEM certificate: it is a PEM PRIVATE KEY block',
    fix: /"\$\(cat ca\.pem\)"/,
    neverShown: [CORPUS_PLANTED.pemBody],
  },
  {
    id: 'harbor-timeout-zero',
    mistake: 'a connection timeout of 0 ms',
    engines: 'pulumi',
    tuning: () => ({ timeoutMs: 0 }),
    field: 'timeoutMs',
    shown: '= 0:',
    fix: /default \(30000\)/,
  },
  {
    id: 'harbor-timeout-overflow',
    mistake: "a connection timeout beyond Node's longest timer (it would fire at once)",
    engines: 'pulumi',
    tuning: () => ({ timeoutMs: 2 ** 31 }),
    field: 'timeoutMs',
    shown: '= 2147483648:',
    fix: /default \(30000\)/,
  },
  {
    id: 'harbor-max-retries-negative',
    mistake: 'maxRetries of -1',
    engines: 'pulumi',
    tuning: () => ({ maxRetries: -1 }),
    field: 'maxRetries',
    shown: '= -1:',
    fix: /default \(3\)/,
  },
  {
    id: 'harbor-retry-delay-fraction',
    mistake: 'a backoff base of 1.5 ms',
    engines: 'pulumi',
    tuning: () => ({ retryBaseDelayMs: 1.5 }),
    field: 'retryBaseDelayMs',
    shown: '= 1.5:',
    fix: /default \(200\)/,
  },
  {
    id: 'harbor-max-retry-delay-string',
    mistake: 'maxRetryDelayMs given as a string (read from config without parsing)',
    engines: 'pulumi',
    tuning: () => ({ maxRetryDelayMs: '10000' }),
    field: 'maxRetryDelayMs',
    shown: '"10000"',
    fix: /default \(10000\)/,
  },
];

/** One valid input, unusual but right: both engines must accept it (and Harbor, played by the emulator, too). */
export interface ValidInputCase {
  /** Unique id (kebab-case). */
  readonly id: string;
  /** Why it is valid and worth checking. */
  readonly why: string;
  /** Where it applies. */
  readonly engines: CorpusEngines;
  /** The app's name (construct id / resource name); `coredns` unless given. */
  readonly name?: string;
  /** Props replacing those of {@link validCorpusProps} (shallow merge). */
  readonly props?: () => CorpusProps;
  /** Pulumi only: tuning options of the connection, `HarborConnection.fromConfig('harbor', tuning)`. */
  readonly tuning?: () => HarborTuning;
  /** Harbor users the case's members name (beside {@link CORPUS_MEMBER}). */
  readonly users?: readonly string[];
  /** Harbor writes the Pulumi engine makes: 3 (project, member, robot) unless given. */
  readonly writes?: number;
}

/** Valid inputs at the edges of the rules above: none may be rejected. */
export const VALID_INPUTS: readonly ValidInputCase[] = [
  { id: 'seed', why: 'the valid props themselves', engines: 'both' },
  {
    id: 'robot-name-every-separator',
    why: 'single ".", "_" and "-" between alphanumerics',
    engines: 'both',
    props: () => ({ robot: { name: 'a.b_c-d9' } }),
  },
  {
    id: 'robot-name-longest',
    why: 'the longest robot name for project "k8s": Harbor stores "k8s+<name>", 255 characters',
    engines: 'both',
    props: () => ({ robot: { name: 'r'.repeat(251) } }),
  },
  {
    id: 'robot-name-one-char',
    why: 'a one-character robot name',
    engines: 'both',
    props: () => ({ robot: { name: 'r' } }),
  },
  {
    id: 'odd-app-name',
    why: 'the default robot name <app>-pull from an app name with upper case, "_" and "."',
    engines: 'both',
    name: 'CoreDNS_v1.2',
  },
  {
    id: 'duration-one-day',
    why: 'the shortest lifetime',
    engines: 'both',
    props: () => ({ robot: { durationDays: 1 } }),
  },
  {
    id: 'duration-max',
    why: 'the longest lifetime Harbor takes (MaxInt32 - 1)',
    engines: 'both',
    props: () => ({ robot: { durationDays: 2 ** 31 - 2 } }),
  },
  {
    id: 'quota-max',
    why: "Harbor's largest storage quota, 1024 TB, set by the system administrator the corpus logs in as",
    engines: 'both',
    props: () => ({ project: { name: CORPUS_PROJECT, storageQuotaGb: 1024 * 1024 } }),
  },
  {
    id: 'rotation-shortest-schedule',
    why: 'rotation on demand and every day, the shortest schedule (Pulumi engine): generation 0 is the declared robot',
    engines: 'pulumi',
    props: () => ({ robot: { durationDays: 2, renewBeforeDays: 1, rotation: { trigger: 0, everyDays: 1 } } }),
  },
  {
    id: 'rotation-longest-name',
    why: 'the longest robot name that can still rotate (its successors, stored as "k8s+<name>", stay within 255 characters)',
    engines: 'pulumi',
    props: () => ({ robot: { name: 'r'.repeat(238), rotation: { trigger: 'x'.repeat(1024) } } }),
  },
  {
    id: 'push-with-opt-in',
    why: 'push, with the explicit opt-in',
    engines: 'both',
    props: () => ({ robot: { actions: [RobotAction.PULL, RobotAction.PUSH], allowPush: true } }),
  },
  {
    id: 'allow-push-false',
    why: 'allowPush: false, said out loud',
    engines: 'both',
    props: () => ({ robot: { allowPush: false } }),
  },
  {
    id: 'prefix-custom',
    why: "a Harbor whose robot_name_prefix is not robot$ (with '$', '+' and '_' in it)",
    engines: 'cdk8s',
    props: () => ({ robotNamePrefix: 'bot_$+' }),
  },
  {
    id: 'prefix-with-single-braces',
    why: 'single braces are not template delimiters',
    engines: 'cdk8s',
    props: () => ({ robotNamePrefix: 'r{b}$' }),
  },
  {
    id: 'harbor-url-loopback-http',
    why: 'plain http:// is fine to loopback',
    engines: 'pulumi',
    props: () => ({ harborUrl: 'http://127.0.0.1:8080' }),
  },
  {
    id: 'harbor-url-localhost-http',
    why: 'plain http:// to localhost',
    engines: 'pulumi',
    props: () => ({ harborUrl: 'http://localhost' }),
  },
  {
    id: 'harbor-url-https-path',
    why: 'https with a port and a base path',
    engines: 'pulumi',
    props: () => ({ harborUrl: 'https://harbor.example.com:8443/harbor' }),
  },
  {
    id: 'registry-with-port',
    why: 'a registry host with a port, and the image on it',
    engines: 'both',
    props: () => ({ registryHost: 'harbor.local:8443', ...workloadWith(['harbor.local:8443/k8s/coredns:1.2.6']) }),
  },
  {
    id: 'image-digest',
    why: 'an image by digest, and by tag and digest',
    engines: 'both',
    props: () =>
      workloadWith([`${CORPUS_REGISTRY}/k8s/coredns@${DIGEST}`, `${CORPUS_REGISTRY}/k8s/coredns:1.2.6@${DIGEST}`]),
  },
  {
    id: 'member-email',
    why: 'a Harbor user named by an e-mail address ("@" is not user info)',
    engines: 'both',
    props: () => ({ members: [HarborMember.user('alice@example.com', HarborRole.DEVELOPER)] }),
    users: ['alice@example.com'],
  },
  {
    id: 'namespaces-and-service-accounts',
    why: 'several namespaces and ServiceAccounts',
    engines: 'both',
    props: () => ({ namespaces: ['kube-system', 'apps', 'default'], serviceAccounts: ['default', 'coredns'] }),
  },
  {
    id: 'literal-credentials',
    why: 'a literal credential with a robot login name',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+ci',
        password: SecretValue.unsafePlainText(CORPUS_PLANTED.literalPassword),
      }),
    }),
    writes: 2,
  },
  {
    id: 'existing-secret',
    why: 'a Secret managed elsewhere',
    engines: 'both',
    props: () => ({ credentials: PullCredentials.fromExistingSecret('registry-secret') }),
    writes: 2,
  },
  {
    id: 'external-store',
    why: 'credentials from an external store',
    engines: 'both',
    props: () => ({
      credentials: PullCredentials.fromExternalStore({ store: SecretStoreRef.cluster('vault'), key: 'harbor/k8s' }),
    }),
    writes: 2,
  },
  {
    id: 'emitted-store',
    why: 'the robot store emitted by the app',
    engines: 'cdk8s',
    props: () => ({ robotSecrets: { emitStore: true } }),
  },
  {
    id: 'tuning-at-bounds',
    why: 'connection tuning at its bounds',
    engines: 'pulumi',
    tuning: () => ({ maxRetries: 0, timeoutMs: 2 ** 31 - 1, retryBaseDelayMs: 0, maxRetryDelayMs: 0 }),
  },
];

/**
 * `harbor-private-app preflight` without the command line: after lint, asks Harbor (REST API v2.0) about every image
 * whose pull credentials lint found:
 *
 * - does the artifact exist (`GET /projects/{p}/repositories/{r}/artifacts/{tag or digest}`), and if not, does the
 *   project (`GET /projects/{p}`)?
 * - is the project public (then any node pulls)? Otherwise, may the robot the pull Secret names pull from that project:
 *   it must be a robot of that very project (a project robot pulls from its own project only), exist, be enabled and
 *   unexpired, and hold `repository:pull` there, or `repository:push`, which Harbor makes a project robot's pull too
 *   (`GET /robots?q=Level=project,ProjectID=...`).
 *
 * The robot is read from the pull Secret (a literal Secret's user name, or the user name written in an
 * ExternalSecret's template). Findings name the robot's login name, never a password.
 */
import type { HarborArtifact, HarborLookup, HarborProject, HarborRobot } from '../harbor/types';
import { HarborApiError } from '../harbor/errors';
import type { ImageCheck } from '../lint/check';
import { containerFinding, type Finding, type FindingCode, type Note, type Report } from '../lint/findings';
import type { LintResult } from '../lint/lint';
import { PreflightConnectionError } from './errors';
import { errorMessage } from '../core/errors';
import { DEFAULT_ROBOT_NAME_PREFIX } from '../core/robot';

/** The Harbor calls preflight makes (a `HarborClient` has them). */
export interface PreflightHarbor {
  getArtifact(project: string, repository: string, reference: string): Promise<HarborArtifact | undefined>;
  getProject(name: string): Promise<HarborProject | undefined>;
  findProjectRobot(project: string, name: string): Promise<HarborLookup<HarborRobot>>;
}

/** Options of {@link preflight}. */
export interface PreflightOptions {
  /**
   * Harbor's `robot_name_prefix`.
   * @default 'robot$'
   */
  readonly robotNamePrefix?: string;
  /**
   * The clock robots' expiry is compared with, in milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * When no image was left to ask Harbor about (none on the checked registries, or every one with a lint finding):
   * `false` makes that an error of the report (`nothing-to-check`, exit code 2), `true` a note.
   * @default false
   */
  readonly allowNothingToCheck?: boolean;
}

type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'unknown'; readonly why: string }
  | { readonly kind: 'bad'; readonly code: FindingCode; readonly problem: string; readonly fix: string };

const q = (s: string): string => JSON.stringify(s);

/** Runs the Harbor checks on a lint result; the lint findings are kept. */
export async function preflight(
  lint: LintResult,
  harbor: PreflightHarbor,
  options: PreflightOptions = {},
): Promise<Report> {
  const prefix = options.robotNamePrefix ?? DEFAULT_ROBOT_NAME_PREFIX;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, call: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = guard(call);
      cache.set(key, p);
    }
    return p;
  };
  const findings: Finding[] = [...lint.findings];
  const notes: Note[] = [...lint.notes];
  const noted = new Set<string>();
  const note = (n: Note): void => {
    const k = `${n.file ?? ''}:${n.line ?? ''}:${n.message}`;
    if (!noted.has(k)) {
      noted.add(k);
      notes.push(n);
    }
  };

  const robotVerdict = async (username: string, project: string): Promise<Verdict> => {
    if (!username.startsWith(prefix)) {
      return {
        kind: 'unknown',
        why: `${q(username)} is not a robot account (no ${q(prefix)} prefix), so its access to project ${project} was not checked`,
      };
    }
    const rest = username.slice(prefix.length);
    const plus = rest.lastIndexOf('+');
    if (plus < 0)
      return {
        kind: 'unknown',
        why: `${q(username)} is a system robot; its access to project ${project} was not checked`,
      };
    const robotProject = rest.slice(0, plus);
    if (robotProject !== project) {
      return {
        kind: 'bad',
        code: 'robot-denied',
        problem: `the pull Secret's robot ${q(username)} belongs to project ${robotProject}, and a project robot pulls only from its own project, not from ${project}`,
        fix: `use the pull Secret of a robot of project ${project}, or keep the image in project ${robotProject}`,
      };
    }
    const lookup = await once(`robot:${project}:${username}`, () =>
      harbor.findProjectRobot(project, rest.slice(plus + 1)),
    );
    const robot = lookup.found?.name === username ? lookup.found : undefined;
    if (!robot) {
      return {
        kind: 'bad',
        code: 'robot-missing',
        problem: `the pull Secret's robot ${q(username)} does not exist in Harbor (deleted, or not created yet)`,
        fix: 'create the robot and refresh the pull Secret ("pulumi up" does both; on the YAML path check that the provider-harbor RobotAccount is Ready)',
      };
    }
    if (robot.disabled) {
      return {
        kind: 'bad',
        code: 'robot-disabled',
        problem: `the pull Secret's robot ${q(username)} is disabled in Harbor`,
        fix: 'enable it in Harbor (Projects > Robot Accounts), or run "pulumi up", which enables it again',
      };
    }
    if (robot.expiresAt !== -1 && robot.expiresAt * 1000 <= now()) {
      return {
        kind: 'bad',
        code: 'robot-expired',
        problem: `the pull Secret's robot ${q(username)} expired on ${new Date(robot.expiresAt * 1000).toISOString()}`,
        fix: 'replace it with a robot that never expires (robot.durationDays: -1, the default) and refresh the pull Secret',
      };
    }
    // A project robot's repository:push grants pull too (src/common/security/robot/context.go `filterRobotPolicies`).
    const canPull = robot.permissions.some(
      (p) =>
        (p.namespace === project || p.namespace === '*') &&
        p.access.some(
          (a) =>
            a.resource === 'repository' &&
            (a.action === 'pull' || a.action === 'push' || a.action === '*') &&
            a.effect !== 'deny',
        ),
    );
    if (!canPull) {
      return {
        kind: 'bad',
        code: 'robot-denied',
        problem: `the pull Secret's robot ${q(username)} has no repository:pull (or push) permission on project ${project}`,
        fix: 'give the robot repository:pull on the project (HarborPrivateApp robots have it)',
      };
    }
    return { kind: 'ok' };
  };

  for (const check of lint.checks) {
    if (check.finding || !check.reference) continue;
    const bad = (code: FindingCode, problem: string, fix: string): void => {
      findings.push(findingFor(check, code, problem, fix));
    };
    const path = check.reference.path;
    const slash = path.indexOf('/');
    if (slash < 0) {
      bad(
        'image-missing',
        `names no Harbor project: Harbor keeps images as <project>/<repository>`,
        `use ${check.reference.host}/<project>/${path}`,
      );
      continue;
    }
    const project = path.slice(0, slash);
    const repository = path.slice(slash + 1);
    const reference = check.reference.digest ?? check.reference.tag ?? 'latest';
    let artifact: HarborArtifact | undefined;
    let info: HarborProject | undefined;
    try {
      artifact = await once(`artifact:${path}@${reference}`, () => harbor.getArtifact(project, repository, reference));
      info = await once(`project:${project}`, () => harbor.getProject(project));
    } catch (e) {
      if (e instanceof PreflightConnectionError) throw e;
      bad('check-failed', `could not be checked: ${errorMessage(e)}`, 'retry once Harbor answers');
      continue;
    }
    if (!info) {
      bad(
        'project-missing',
        `is in project ${project}, which does not exist in Harbor`,
        `create project ${project} (HarborPrivateApp does), or correct the image`,
      );
      continue;
    }
    if (!artifact) {
      bad(
        'image-missing',
        `is not in Harbor: project ${project} has no ${repository}:${reference}${check.reference.digest ? '' : ' (tag)'}`,
        `push ${check.reference.host}/${path}:${reference} to Harbor, or correct the tag in the workload`,
      );
      continue;
    }
    if (info.public) continue;

    const verdicts: Verdict[] = [];
    for (const c of check.credentials) {
      const username = c.entry?.username;
      if (!username) {
        verdicts.push({
          kind: 'unknown',
          why:
            c.secret.source === 'declared'
              ? `Secret ${q(c.secret.name)} in ${c.secret.namespace} is declared with ${c.secret.objectName}, which names no user, so the robot's access to project ${project} was not checked`
              : `Secret ${q(c.secret.name)} in ${c.secret.namespace} names its user only when it is created, so the robot's access to project ${project} was not checked`,
        });
        continue;
      }
      try {
        verdicts.push(await robotVerdict(username, project));
      } catch (e) {
        if (e instanceof PreflightConnectionError) throw e;
        verdicts.push({
          kind: 'bad',
          code: 'check-failed',
          problem: `the robot could not be checked: ${errorMessage(e)}`,
          fix: 'retry once Harbor answers',
        });
      }
    }
    if (verdicts.some((v) => v.kind === 'ok')) continue;
    const badOne = verdicts.find((v): v is Extract<Verdict, { kind: 'bad' }> => v.kind === 'bad');
    if (badOne) {
      bad(badOne.code, `would not be pulled: ${badOne.problem}`, badOne.fix);
      continue;
    }
    for (const v of verdicts)
      if (v.kind === 'unknown') note({ file: check.workload.file, line: check.workload.line, message: v.why });
  }
  const errors = [...lint.errors];
  const asked = lint.checks.filter((c) => !c.finding && c.reference).length;
  if (asked === 0) {
    const s = lint.summary;
    const regs = s.registries.length > 0 ? s.registries.join(', ') : 'none';
    const why =
      s.checked === 0
        ? `no container image of the input is on the checked registries (${regs}): Checked 0 of ${s.containers}`
        : `every one of the ${s.checked} image(s) on ${regs} already has a lint finding`;
    const message = `preflight asked Harbor about nothing: ${why}`;
    if (options.allowNothingToCheck || (s.checked > 0 && lint.findings.length > 0)) note({ message });
    else {
      errors.push({
        code: 'nothing-to-check',
        file: '',
        problem: message,
        fix:
          s.checked === 0
            ? "give --registry with the registry host your images name (HARBOR_URL names Harbor's API, which may be another host), or --allow-nothing-to-check when no image of this input is meant to be in Harbor"
            : 'fix the findings, or give --allow-nothing-to-check',
      });
    }
  }
  // Lint's findings and Harbor's, in the order of the input.
  const order = new Map(
    lint.checks.map((c, i) => [`${c.workload.file}\u0000${c.workload.line}\u0000${c.container.name}`, i]),
  );
  const at = (f: Finding): number => order.get(`${f.file}\u0000${f.objectLine}\u0000${f.container}`) ?? -1;
  findings.sort((a, b) => at(a) - at(b));
  return { command: 'preflight', findings, errors, notes, summary: lint.summary };
}

function findingFor(check: ImageCheck, code: FindingCode, problem: string, fix: string): Finding {
  return containerFinding(check.workload, check.container, check.repository?.host ?? '', code, problem, fix);
}

/** Turns failures that concern the whole connection (no answer, bad credentials, TLS) into {@link PreflightConnectionError}. */
async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof HarborApiError && (e.status === undefined || e.status === 401)) {
      throw new PreflightConnectionError(e.message, { cause: e });
    }
    throw e;
  }
}

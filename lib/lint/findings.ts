/**
 * What `harbor-private-app lint` and `preflight` report: findings (exit code 1) and notes (informational).
 * Neither ever carries Secret data: no password, `auth` value or token (lint does not show user names either).
 */
import { locateField } from './locate';
import type { ManifestParseCode } from './manifests';
import type { Workload, WorkloadContainer } from './workloads';

/**
 * Why an image would not be pulled.
 *
 * lint: `invalid-image`, `no-pull-secret` (neither the pod nor its ServiceAccount names one), `secret-not-found` (not
 * in the pod's namespace), `secret-wrong-type`, `secret-without-credentials` (no readable `.dockerconfigjson`),
 * `no-entry-for-registry` (no key matches the image's host the way kubelet matches it), `no-usable-pull-secret`
 * (several pull Secrets, each unusable for its own reason).
 *
 * preflight: `image-missing`, `project-missing`, `robot-missing`, `robot-disabled`, `robot-expired`, `robot-denied`,
 * `check-failed` (Harbor could not answer for this image).
 */
export type FindingCode =
  | 'invalid-image'
  | 'no-pull-secret'
  | 'secret-not-found'
  | 'secret-wrong-type'
  | 'secret-without-credentials'
  | 'no-entry-for-registry'
  | 'no-usable-pull-secret'
  | 'image-missing'
  | 'project-missing'
  | 'robot-missing'
  | 'robot-disabled'
  | 'robot-expired'
  | 'robot-denied'
  | 'check-failed';

/** One image that would not be pulled, and how to fix it. */
export interface Finding {
  /** Why, as a stable code. */
  readonly code: FindingCode;
  /** The file, and the 1-based line and column of the image in it (the object's first line when not known). */
  readonly file: string;
  readonly line: number;
  /** Absent when only the object's line is known (an object built in code, not read from a file). */
  readonly column?: number;
  /** The line the object starts on. */
  readonly objectLine: number;
  /** The workload's kind, namespace and name. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The container's name, and whether it is an init container. */
  readonly container: string;
  readonly init: boolean;
  /** The image, as written. */
  readonly image: string;
  /** The image's registry host (`host[:port]`), `''` when the reference cannot be parsed. */
  readonly registry: string;
  /** What is wrong. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The finding for one container of a workload: where it is, its image and registry, what is wrong and the fix. */
export function containerFinding(
  workload: Workload,
  container: WorkloadContainer,
  registry: string,
  code: FindingCode,
  problem: string,
  fix: string,
): Finding {
  const at = locateField(workload.object, container.path);
  return {
    code,
    file: workload.file,
    line: at?.line ?? workload.line,
    ...(at ? { column: at.column } : {}),
    objectLine: workload.line,
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    container: container.name,
    init: container.init,
    image: container.image,
    registry,
    problem,
    fix,
  };
}

/** Something worth knowing that is not a finding (exit code unaffected). */
export interface Note {
  /** Where, when it concerns one object. */
  readonly file?: string;
  readonly line?: number;
  /** What. */
  readonly message: string;
}

/**
 * Why an input could not be read (exit code 2): `not-found`, `unreadable` (a symbolic link loop, no permission...),
 * `too-large`, `encoding` (not text kubectl reads), `no-manifest-file` (a directory without one), `helm-chart` (Helm
 * templates), and for a document of a file: `yaml-syntax`, `duplicate-key`, `template`, `yaml-alias-limit`,
 * `yaml-unsupported`; and for preflight, `nothing-to-check` (no image was left to ask Harbor about).
 */
export type InputErrorCode =
  | 'not-found'
  | 'unreadable'
  | 'too-large'
  | 'encoding'
  | 'no-manifest-file'
  | 'helm-chart'
  | 'nothing-to-check'
  | ManifestParseCode;

/** An input (a path, a file, a document of a file) that could not be read: the rest of the input is still checked. */
export interface InputError {
  /** Why, as a stable code. */
  readonly code: InputErrorCode;
  /** The path or file, as given (`''` when the error concerns the whole run: `nothing-to-check`). */
  readonly file: string;
  /** Where in the file, for a document that cannot be read (1-based). */
  readonly line?: number;
  readonly column?: number;
  /** What is wrong. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

/** Counts of what a run read and checked. */
export interface Summary {
  /** Input files read. */
  readonly files: number;
  /** Kubernetes objects read. */
  readonly objects: number;
  /** Workloads found (pods, Deployments, ... CronJobs, and custom resources that make pods: one per pod template). */
  readonly workloads: number;
  /** Containers and init containers of those workloads (and their image fields). */
  readonly containers: number;
  /** Containers whose image is on a checked registry. */
  readonly checked: number;
  /** The registries checked. */
  readonly registries: readonly string[];
  /** Where the registries came from: `--registry` flags (or the config file), or the pull Secrets. */
  readonly registriesFrom: 'flags' | 'secrets';
  /** Pull Secrets declared to exist outside the input (`--assume-secret`, the config file). */
  readonly declaredSecrets: number;
  /** The config file read, when one was. */
  readonly config?: string;
  /**
   * Objects of kinds lint does not know that have image fields (`image:`), which were not checked: name the fields
   * with `--image-path` to check them.
   */
  readonly uncheckedObjects: ReadonlyArray<{
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly file: string;
    readonly line: number;
    /** How many image fields. */
    readonly images: number;
  }>;
}

/** The result of a run. */
export interface Report {
  /** The command that made it. */
  readonly command: 'lint' | 'preflight';
  readonly findings: readonly Finding[];
  /** Inputs that could not be read (exit code 2): what they hold was not checked; preflight's `nothing-to-check`. */
  readonly errors: readonly InputError[];
  readonly notes: readonly Note[];
  readonly summary: Summary;
}

/** `Deployment kube-system/coredns`. */
export function objectLabel(f: Pick<Finding, 'kind' | 'namespace' | 'name'>): string {
  return `${f.kind} ${f.namespace}/${f.name}`;
}

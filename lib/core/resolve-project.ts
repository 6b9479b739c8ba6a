import { failIn } from './errors';
import { PROJECT_DEFAULTS } from './defaults';
import { checkHarborProjectName } from './names';
import { HarborProjectOptions } from './props';

/** Harbor's largest storage quota, 1024 TB, in GB (src/lib/quota_storage_limit.go `ValidateQuotaLimit`). */
const MAX_STORAGE_QUOTA_GB = 1024 * 1024;

/** The project options with their defaults applied. */
export interface ResolvedProject {
  /** The project name. */
  readonly name: string;
  /** Anyone may pull. */
  readonly public: boolean;
  /** Scan images on push (`auto_scan`). */
  readonly autoScan: boolean;
  /** Harbor's `prevent_vul` (it also blocks never-scanned images). */
  readonly preventVulnerableImages: boolean;
  /** Storage quota in GB, `-1` unlimited; unset: Harbor's default quota, not managed. */
  readonly storageQuotaGb?: number;
  /** Use an existing project: never create, change or delete it. */
  readonly adopt: boolean;
  /** Delete the project's repositories when the project is deleted. */
  readonly forceDestroy: boolean;
}

/**
 * Checks the project options (Harbor's project name rule, the storage quota, the flags, no `forceDestroy` on an adopted
 * project) and applies their defaults.
 */
export function resolveProject(p: HarborProjectOptions, scope: string): ResolvedProject {
  const fail = failIn(scope);
  if (!p || typeof p !== 'object') fail('project', p, 'is required', 'pass project: { name: "k8s" }');
  const projectName = checkHarborProjectName('project.name', p.name, scope);
  // Unset: not managed, the project keeps Harbor's default quota.
  const storageQuotaGb = p.storageQuotaGb;
  if (
    storageQuotaGb !== undefined &&
    (typeof storageQuotaGb !== 'number' ||
      !Number.isFinite(storageQuotaGb) ||
      (storageQuotaGb !== -1 && storageQuotaGb <= 0))
  ) {
    fail(
      'project.storageQuotaGb',
      storageQuotaGb,
      'must be -1 (unlimited) or a positive number of GB',
      'use -1 or e.g. 10',
    );
  }
  if (storageQuotaGb !== undefined && storageQuotaGb > MAX_STORAGE_QUOTA_GB) {
    fail(
      'project.storageQuotaGb',
      storageQuotaGb,
      `is above Harbor's largest quota, 1024 TB (${MAX_STORAGE_QUOTA_GB} GB; Harbor answers 400)`,
      `use at most ${MAX_STORAGE_QUOTA_GB}, or -1 (unlimited)`,
    );
  }
  for (const key of ['public', 'autoScan', 'preventVulnerableImages', 'adopt', 'forceDestroy'] as const) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean')
      fail(`project.${key}`, p[key], 'must be a boolean', 'use true or false');
  }
  if (p.adopt && p.forceDestroy) {
    fail(
      'project.forceDestroy',
      true,
      'is set on an adopted project, which this app never deletes',
      'drop forceDestroy, or stop adopting the project',
    );
  }
  return {
    name: projectName,
    public: p.public ?? PROJECT_DEFAULTS.public,
    autoScan: p.autoScan ?? PROJECT_DEFAULTS.autoScan,
    preventVulnerableImages: p.preventVulnerableImages ?? PROJECT_DEFAULTS.preventVulnerableImages,
    storageQuotaGb,
    adopt: p.adopt ?? PROJECT_DEFAULTS.adopt,
    forceDestroy: p.forceDestroy ?? PROJECT_DEFAULTS.forceDestroy,
  };
}

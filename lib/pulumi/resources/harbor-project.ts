import * as pulumi from '@pulumi/pulumi';
import { harborInput, HarborLocationArgs } from './harbor-connection';
import { HarborDynamicResource, setArgs } from './dynamic-resource';
import { providerText } from './provider-reference';

/** Arguments of a {@link HarborProject}. */
export interface HarborProjectArgs extends HarborLocationArgs {
  /** The project name; changing it replaces the project. */
  readonly name: pulumi.Input<string>;
  /**
   * Anyone may pull.
   * @default false
   */
  readonly public?: pulumi.Input<boolean>;
  /**
   * Scan images on push.
   * @default true
   */
  readonly autoScan?: pulumi.Input<boolean>;
  /**
   * Harbor's `prevent_vul` (it also blocks never-scanned images).
   * @default false
   */
  readonly preventVulnerableImages?: pulumi.Input<boolean>;
  /**
   * Storage quota in GB, `-1` unlimited. Set when the project is created, changed in place (Harbor lets only a system
   * administrator change quotas), and read back by `pulumi refresh`. Unset: not managed; a new project gets Harbor's
   * default quota (its `storage_per_project` system setting), which is never read, changed or reported as drift.
   * @default - Harbor's default quota, not managed
   */
  readonly storageQuotaGb?: pulumi.Input<number>;
  /**
   * Use an existing project: it is read, never created, changed or deleted.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /**
   * Delete the project's repositories when the project is deleted (otherwise deletion fails while any remain).
   * @default false
   */
  readonly forceDestroy?: pulumi.Input<boolean>;
}

/**
 * A Harbor project, created (or adopted) through Harbor's REST API by a Pulumi dynamic provider.
 * Type token `pulumi-nodejs:dynamic/harbor:Project`.
 */
export class HarborProject extends HarborDynamicResource {
  /** The project name. */
  declare public readonly name: pulumi.Output<string>;
  /** Harbor's numeric project id. */
  declare public readonly projectId: pulumi.Output<number>;

  constructor(name: string, args: HarborProjectArgs, opts: pulumi.CustomResourceOptions = {}) {
    const harbor = harborInput(args, `HarborProject ${JSON.stringify(name)}`);
    super(
      providerText('harborProjectProvider'),
      name,
      {
        harbor,
        name: args.name,
        // Only what the program set: the provider's check fills the defaults in (PROJECT_DEFAULTS of lib/core).
        ...setArgs({
          public: args.public,
          autoScan: args.autoScan,
          preventVulnerableImages: args.preventVulnerableImages,
          storageQuotaGb: args.storageQuotaGb,
          adopt: args.adopt,
          forceDestroy: args.forceDestroy,
        }),
        projectId: undefined,
        // `created` (whether this stack created the project, and so may delete it) is in the state, not an output.
      },
      opts,
      'harbor',
      'Project',
    );
  }
}

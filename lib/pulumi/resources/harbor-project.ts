import * as pulumi from '@pulumi/pulumi';
import { harborInput, HarborLocationArgs } from './harbor-connection';
import { HarborDynamicResource } from './dynamic-resource';
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
   * administrator change quotas), and read back by `pulumi refresh`.
   * @default -1
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
  /** True only when this stack created the project (and so may delete it). */
  declare public readonly created: pulumi.Output<boolean>;

  constructor(name: string, args: HarborProjectArgs, opts: pulumi.CustomResourceOptions = {}) {
    const harbor = harborInput(args, `HarborProject ${JSON.stringify(name)}`);
    super(
      providerText('harborProvider'),
      name,
      {
        resourceKind: 'project',
        harbor,
        name: args.name,
        public: args.public ?? false,
        autoScan: args.autoScan ?? true,
        preventVulnerableImages: args.preventVulnerableImages ?? false,
        storageQuotaGb: args.storageQuotaGb ?? -1,
        adopt: args.adopt ?? false,
        forceDestroy: args.forceDestroy ?? false,
        projectId: undefined,
        created: undefined,
      },
      opts,
      'harbor',
      'Project',
    );
  }
}

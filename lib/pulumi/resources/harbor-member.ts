import * as pulumi from '@pulumi/pulumi';
import type { HarborRoleName } from '../../core/roles';
import { harborInput, HarborLocationArgs } from './harbor-connection';
import { HarborDynamicResource, setArgs } from './dynamic-resource';
import { providerText } from './provider-reference';

/** Arguments of a {@link HarborProjectMember}. */
export interface HarborProjectMemberArgs extends HarborLocationArgs {
  /** The project's name. */
  readonly project: pulumi.Input<string>;
  /** `user` or `group`. */
  readonly kind: pulumi.Input<'user' | 'group'>;
  /** The existing Harbor user's or group's name. */
  readonly entityName: pulumi.Input<string>;
  /**
   * Harbor's numeric group type (groups only): 1 LDAP, 2 internal/HTTP, 3 OIDC.
   * @default - none (users)
   */
  readonly groupType?: pulumi.Input<number>;
  /**
   * The LDAP group DN (LDAP groups only).
   * @default - none
   */
  readonly ldapGroupDn?: pulumi.Input<string>;
  /** The project role (`guest` is enough to pull). */
  readonly role: pulumi.Input<HarborRoleName>;
  /**
   * Take over a member that exists already (its role set to `role`, removed by `pulumi destroy`) instead of failing
   * with Harbor's 409.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
}

/**
 * A member (user or group) of a Harbor project with a role, managed through Harbor's REST API by a Pulumi dynamic
 * provider. Type token `pulumi-nodejs:dynamic/harbor:ProjectMember`.
 */
export class HarborProjectMember extends HarborDynamicResource {
  /** The role Harbor has for the member. */
  declare public readonly role: pulumi.Output<HarborRoleName>;

  constructor(name: string, args: HarborProjectMemberArgs, opts: pulumi.CustomResourceOptions = {}) {
    const harbor = harborInput(args, `HarborProjectMember ${JSON.stringify(name)}`);
    super(
      providerText('harborMemberProvider'),
      name,
      {
        harbor,
        project: args.project,
        kind: args.kind,
        entityName: args.entityName,
        role: args.role,
        // Only what the program set: the provider's check fills the defaults in (MEMBER_DEFAULTS of lib/core).
        ...setArgs({ groupType: args.groupType, ldapGroupDn: args.ldapGroupDn, adopt: args.adopt }),
        // Harbor's `memberId` is in the state, not an output.
      },
      opts,
      'harbor',
      'ProjectMember',
    );
  }
}

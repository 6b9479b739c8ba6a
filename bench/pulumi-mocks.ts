/**
 * The mock monitor both sides of the Pulumi comparison run under (`pulumi.runtime.setMocks`): every resource is
 * "created" with its inputs as outputs, and Harbor's create responses are played the same way for our dynamic
 * resources and for the hand-written program's plain ones. The robot's login name is Harbor's (`robot$<project>+<name>`),
 * its secret a placeholder (mocks never call Harbor).
 */
import type * as pulumi from '@pulumi/pulumi';

/** The robot secret every mock robot gets: a placeholder, never a credential. */
export const BENCH_ROBOT_SECRET = 'placeholder-not-a-secret';

/** What the mocks saw: every registration's type, name and inputs, in order. */
export interface MockRecord {
  registrations: number;
  readonly byType: Record<string, number>;
  /** Every registration (only when asked: the equivalence check; the timed runs keep nothing). */
  readonly log?: Array<{ readonly type: string; readonly name: string; readonly inputs: Record<string, unknown> }>;
}

/** The mocks, counting into `record`. */
export function benchMocks(record: MockRecord): pulumi.runtime.Mocks {
  return {
    newResource: (args) => {
      record.registrations++;
      record.byType[args.type] = (record.byType[args.type] ?? 0) + 1;
      record.log?.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
      const inputs = args.inputs as Record<string, unknown>;
      const state: Record<string, unknown> = { ...inputs };
      if (/:Project$/.test(args.type)) state.projectId = 1;
      if (/:ProjectMember$/.test(args.type) || /:MemberUser$/.test(args.type)) state.memberId = 1;
      if (/:RobotAccount$/.test(args.type)) {
        state.robotId = 1;
        // Ours has the project as an input; the provider package's robot names it in its permission.
        const permissions = inputs.permissions as Array<{ namespace?: string }> | undefined;
        const project = inputs.project ?? permissions?.[0]?.namespace;
        state.fullName = `robot$${String(project)}+${String(inputs.name)}`;
        state.secret = BENCH_ROBOT_SECRET;
      }
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs,
  };
}

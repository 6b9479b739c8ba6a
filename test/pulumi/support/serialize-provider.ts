/**
 * Prints the dynamic providers as `pulumi up` serializes them in this repository, as JSON `{ project, member, robot,
 * robotLogin, robotRotation }`: Pulumi runs a TypeScript program through ts-node (here in swc mode, from tsconfig.json),
 * so lib/ is compiled by swc, and the package is not installed here, so each resource registers its provider serialized
 * by value with `pulumi.runtime.serializeFunction` (lib/pulumi/resources/provider-reference.ts `providerText`): every
 * provider serialized together, each kind's text handing over its own.
 *
 * Run: node -r ts-node/register test/pulumi/support/serialize-provider.ts   (from the repository root)
 */
import { providerText } from '../../../lib/pulumi/resources/provider-reference';

Promise.all([
  providerText('harborProjectProvider'),
  providerText('harborMemberProvider'),
  providerText('harborRobotProvider'),
  providerText('harborRobotLoginProvider'),
  providerText('harborRobotRotationProvider'),
]).then(
  ([project, member, robot, robotLogin, robotRotation]) =>
    process.stdout.write(JSON.stringify({ project, member, robot, robotLogin, robotRotation })),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

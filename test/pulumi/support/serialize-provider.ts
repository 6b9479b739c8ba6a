/**
 * Prints the dynamic providers as `pulumi up` serializes them in this repository, as JSON `{ harbor, login, rotation }`: Pulumi
 * runs a TypeScript program through ts-node (here in swc mode, from tsconfig.json), so lib/ is compiled by swc, and
 * the package is not installed here, so each resource registers its provider serialized by value with
 * `pulumi.runtime.serializeFunction` (lib/pulumi/resources/provider-reference.ts `providerText`): the Harbor provider
 * (project, member, robot), the robot login's own and the robot rotation's own.
 *
 * Run: node -r ts-node/register test/pulumi/support/serialize-provider.ts   (from the repository root)
 */
import { providerText } from '../../../lib/pulumi/resources/provider-reference';

Promise.all([
  providerText('harborProvider'),
  providerText('harborRobotLoginProvider'),
  providerText('harborRobotRotationProvider'),
]).then(
  ([harbor, login, rotation]) => process.stdout.write(JSON.stringify({ harbor, login, rotation })),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

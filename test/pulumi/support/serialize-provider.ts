/**
 * Prints the dynamic providers as `pulumi up` serializes them in this repository, as JSON `{ harbor, login, rotation }`: Pulumi
 * runs a TypeScript program through ts-node (here in swc mode, from tsconfig.json), so lib/ is compiled by swc, and
 * `pulumi.dynamic.Resource` calls `serializeFunction(() => provider, { allowSecrets: true })` on the provider the
 * resources register with: the Harbor provider (project, member, robot) and the robot login's own.
 *
 * Run: node -r ts-node/register test/pulumi/support/serialize-provider.ts   (from the repository root)
 */
import * as pulumi from '@pulumi/pulumi';
import {
  serializableHarborProvider,
  serializableRobotLoginProvider,
  serializableRobotRotationProvider,
} from '../../../lib/pulumi/resources/provider-reference';

const serialize = async (provider: pulumi.dynamic.ResourceProvider): Promise<string> =>
  (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;

Promise.all([
  serialize(serializableHarborProvider()),
  serialize(serializableRobotLoginProvider()),
  serialize(serializableRobotRotationProvider()),
]).then(
  ([harbor, login, rotation]) => process.stdout.write(JSON.stringify({ harbor, login, rotation })),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

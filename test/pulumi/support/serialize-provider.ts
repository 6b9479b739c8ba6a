/**
 * Prints the Harbor dynamic provider as `pulumi up` serializes it in this repository: Pulumi runs a TypeScript program
 * through ts-node (here in swc mode, from tsconfig.json), so lib/ is compiled by swc, and `pulumi.dynamic.Resource`
 * calls `serializeFunction(() => provider, { allowSecrets: true })` on the provider the resources register with.
 *
 * Run: node -r ts-node/register test/pulumi/support/serialize-provider.ts   (from the repository root)
 */
import * as pulumi from '@pulumi/pulumi';
import { serializableHarborProvider } from '../../../lib/pulumi/provider-reference';

const provider = serializableHarborProvider();
pulumi.runtime
  .serializeFunction(() => provider, { allowSecrets: true })
  .then(
    (s) => process.stdout.write(s.text),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );

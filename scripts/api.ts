/**
 * The API reports (`api/*.api.md`): one per package entry point, written by api-extractor from the built declarations
 * (`npm run build`, `dist-lib/`), so any change to the public API shows in code review.
 *
 * - `npm run api` builds and (re)writes the reports: run it after changing the public API, and commit `api/`.
 * - `npm run api:check` (part of `npm test`'s pretest) builds and fails when a report differs from the committed one,
 *   naming the entry points, with the fix: `npm run api`.
 *
 * Run: `node -r ts-node/register/transpile-only scripts/api.ts [--check]` (after `npm run build`).
 */
import * as path from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

/** The entry points of package.json's `exports`: report name and the built declaration file. */
export const ENTRY_POINTS: ReadonlyArray<{ readonly name: string; readonly types: string }> = [
  { name: 'harbor-private-app', types: 'dist-lib/lib/index.d.ts' },
  { name: 'cdk8s', types: 'dist-lib/lib/cdk8s/index.d.ts' },
  { name: 'pulumi', types: 'dist-lib/lib/pulumi/index.d.ts' },
  { name: 'pulumi-dynamic-provider', types: 'dist-lib/lib/pulumi/dynamic-provider.d.ts' },
  { name: 'harbor', types: 'dist-lib/lib/harbor/index.d.ts' },
  { name: 'lint', types: 'dist-lib/lib/lint/index.d.ts' },
];

const ROOT = path.resolve(__dirname, '..');

/** Runs api-extractor on one entry point; returns whether its report is up to date (check) or was written. */
function report(entry: (typeof ENTRY_POINTS)[number], check: boolean): boolean {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: path.join(ROOT, entry.types),
      compiler: { tsconfigFilePath: path.join(ROOT, 'tsconfig.build.json') },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.name}.api.md`,
        reportFolder: path.join(ROOT, 'api'),
        reportTempFolder: path.join(ROOT, 'dist-lib', 'api-temp'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Types reachable from the API but not exported by this entry point are listed in the report; the other
        // findings (TSDoc syntax, release tags) are not what the report is for.
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.None },
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      },
    },
    configObjectFullPath: path.join(ROOT, 'api', 'api-extractor.json'),
    packageJsonFullPath: path.join(ROOT, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
  return result.succeeded && !result.apiReportChanged;
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale = ENTRY_POINTS.filter((entry) => !report(entry, check)).map((e) => `api/${e.name}.api.md`);
  if (check && stale.length > 0) {
    console.error(
      `The public API differs from its committed report: ${stale.join(', ')}. If the change is meant, run ` +
        '`npm run api` and commit api/ (the diff is the API change to review).',
    );
    process.exit(1);
  }
  if (!check) console.log(`API reports written: ${ENTRY_POINTS.map((e) => `api/${e.name}.api.md`).join(', ')}`);
}

if (require.main === module) main();

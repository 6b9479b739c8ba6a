import { ResultEntry, TargetResult } from './results';

/** The targets the benchmark holds (not the tests). */
export const LIMITS = {
  /** 10,000 apps in one chart: construct time / baseline time. */
  timeRatio: 1.3,
  /** 10,000 apps in one chart: construct peak RSS / baseline peak RSS. */
  rssRatio: 1.3,
  /** Construct time at 10,000 apps / at 1,000 apps (10x the apps; 10 is linear). */
  growth: 12,
  /** `npm run synth` of the example / the bare app. */
  cliRatio: 1.2,
  /** `harbor-private-app lint` of 10,000 objects, in seconds ("a few seconds", issue #12). */
  lintSeconds: 3,
  /** `harbor-private-app lint` of 100,000 objects, in seconds (issue #23). */
  lintLargeSeconds: 10,
  /** `harbor-private-app lint` of 100,000 objects: peak RSS in MB (issue #23: 1 GB). */
  lintLargeRssMb: 1024,
  /** 1,000 Pulumi components (package installed): time / the minimal hand-written program's. */
  pulumiTimeRatio: 1.3,
  /** 1,000 Pulumi components (package installed): peak RSS / the minimal hand-written program's. */
  pulumiRssRatio: 1.3,
  /** One Pulumi component (package installed, modules loaded on the clock): time / the hand-written program's. */
  pulumiFirstAppRatio: 2,
  /** 1,000 apps through Pulumi's own dynamic provider host (package installed): time per operation / the floor's. */
  hostTimeRatio: 1.3,
  /** Harbor requests of a no-op preview and a no-op up through the host, all apps together. */
  hostNoopRequests: 0,
  /** Harbor GETs per resource on refresh through the host, the kind of resource with the most. */
  hostRefreshGets: 1,
} as const;

/**
 * Evaluates the targets on the results. In quick mode (no 10,000-app run) the synthesis targets are
 * evaluated at the largest N measured, and growth over the last tenfold step, marked as proxies.
 */
export function evaluateTargets(results: readonly ResultEntry[]): TargetResult[] {
  const oneChart = results.filter((r) => r.name === 'synth/one-chart').sort((a, b) => a.n - b.n);
  const big = oneChart.find((r) => r.n === 10_000) ?? oneChart[oneChart.length - 1];
  const proxy = big && big.n !== 10_000 ? `quick run: measured at n=${big.n}, not 10,000` : undefined;
  const prev = big ? oneChart.find((r) => r.n === big.n / 10) : undefined;
  const cli = results.find((r) => r.name === 'npm-run-synth');
  const pulumi = results.filter((r) => r.name === 'pulumi/installed').sort((a, b) => a.n - b.n);
  const pulumiBig = pulumi.find((r) => r.n === 1_000) ?? pulumi[pulumi.length - 1];
  const pulumiProxy = pulumiBig && pulumiBig.n !== 1_000 ? `measured at n=${pulumiBig.n}, not 1,000` : undefined;
  const pulumiFirst = pulumi.find((r) => r.n === 1);
  const lint = results.find((r) => r.name === 'lint');
  const lintLarge = results.find((r) => r.name === 'lint/large');
  const largeProxy = lintLarge && lintLarge.n < 100_000 ? `measured at ${lintLarge.n} objects` : undefined;
  const host = (op: string): ResultEntry | undefined =>
    results
      .filter((r) => r.name === `pulumi-host/${op}` && r.detail?.mode === 'installed')
      .sort((a, b) => a.n - b.n)
      .find((r, i, all) => r.n === 1_000 || i === all.length - 1);
  const [preview, upNoop, refresh] = [host('preview'), host('up-noop'), host('refresh')];
  const hostProxy = preview && preview.n !== 1_000 ? `measured at n=${preview.n}, not 1,000` : undefined;
  const requestsOf = (r: ResultEntry | undefined): number | undefined => r?.detail?.requests as number | undefined;
  const target = (
    id: string,
    description: string,
    measured: number | null | undefined,
    limit: number,
    proxyNote?: string,
  ): TargetResult => ({
    id,
    description,
    measured: measured ?? null,
    limit,
    status: measured === null || measured === undefined ? 'NOT MEASURED' : measured <= limit ? 'PASS' : 'MISS',
    ...(proxyNote ? { proxy: proxyNote } : {}),
  });
  return [
    target(
      'time-ratio-10k',
      '10,000 apps in one chart: time vs raw cdk8s-plus baseline',
      big?.ratio,
      LIMITS.timeRatio,
      proxy,
    ),
    target(
      'rss-ratio-10k',
      '10,000 apps in one chart: peak RSS vs raw cdk8s-plus baseline',
      big?.rss_ratio,
      LIMITS.rssRatio,
      proxy,
    ),
    target(
      'growth-1k-10k',
      'linear growth: time at 10,000 apps / time at 1,000',
      big && prev ? round3(big.median_ms! / prev.median_ms!) : undefined,
      LIMITS.growth,
      big && prev && big.n !== 10_000 ? `quick run: time at ${big.n} / time at ${prev.n}` : undefined,
    ),
    target('npm-run-synth', '`npm run synth` of the example vs a bare cdk8s app (cold)', cli?.ratio, LIMITS.cliRatio),
    target(
      'pulumi-time-1k',
      '1,000 Pulumi components, package installed: time vs the hand-written program',
      pulumiBig?.ratio,
      LIMITS.pulumiTimeRatio,
      pulumiProxy,
    ),
    target(
      'pulumi-rss-1k',
      '1,000 Pulumi components, package installed: peak RSS vs the hand-written program',
      pulumiBig?.rss_ratio,
      LIMITS.pulumiRssRatio,
      pulumiProxy,
    ),
    target(
      'pulumi-first-app',
      'the first Pulumi component, package installed (modules loaded): time vs the hand-written program',
      pulumiFirst?.ratio,
      LIMITS.pulumiFirstAppRatio,
    ),
    target(
      'host-preview-1k',
      "1,000 apps' Harbor resources, a preview (Check + Diff) through the dynamic provider host: time vs the same host with a trivial provider",
      preview?.ratio,
      LIMITS.hostTimeRatio,
      hostProxy,
    ),
    target(
      'host-up-noop-1k',
      "1,000 apps' Harbor resources, a no-op up (Check + Diff) through the dynamic provider host: time vs the trivial provider",
      upNoop?.ratio,
      LIMITS.hostTimeRatio,
      hostProxy,
    ),
    target(
      'host-refresh-1k',
      "1,000 apps' Harbor resources, a refresh (Read) through the dynamic provider host: time vs the trivial provider",
      refresh?.ratio,
      LIMITS.hostTimeRatio,
      hostProxy,
    ),
    target(
      'host-noop-requests',
      'a no-op preview and a no-op up through the dynamic provider host: Harbor requests, all apps',
      preview && upNoop ? (requestsOf(preview) ?? 0) + (requestsOf(upNoop) ?? 0) : undefined,
      LIMITS.hostNoopRequests,
      hostProxy,
    ),
    target(
      'host-refresh-gets',
      'a refresh through the dynamic provider host: Harbor GETs per resource (the kind of resource with the most)',
      refresh?.detail?.max_gets_per_resource as number | undefined,
      LIMITS.hostRefreshGets,
      hostProxy,
    ),
    target(
      'lint-10k',
      '`harbor-private-app lint` of 10,000 objects, seconds',
      lint && lint.median_ms !== null ? round3(lint.median_ms / 1000) : undefined,
      LIMITS.lintSeconds,
      lint && lint.n < 10_000 ? `measured at ${lint.n} objects` : undefined,
    ),
    target(
      'lint-100k',
      '`harbor-private-app lint` of 100,000 objects with 20,000 findings, seconds',
      lintLarge && lintLarge.median_ms !== null ? round3(lintLarge.median_ms / 1000) : undefined,
      LIMITS.lintLargeSeconds,
      largeProxy,
    ),
    target(
      'lint-100k-rss',
      '`harbor-private-app lint` of 100,000 objects, peak RSS in MB',
      lintLarge?.rss_mb,
      LIMITS.lintLargeRssMb,
      largeProxy,
    ),
  ];
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The apps every synthesis benchmark declares: app `i` is one team with its own private Harbor project,
 * one namespace, one Harbor user as guest, the default credentials (a pull-only robot delivered through
 * an ExternalSecret) and one Deployment with one container from its project.
 *
 * Both the construct scenario and the raw baseline read these, so they describe the same fleet.
 */

/** The registry host every bench image lives on. */
export const BENCH_REGISTRY_HOST = 'reg.harbor.com';

/** One benchmark app, in plain values. */
export interface BenchApp {
  /** The construct id (and the robot's default name stem). */
  readonly id: string;
  /** The Harbor project. */
  readonly project: string;
  /** The namespace that gets the pull Secret and runs the Deployment. */
  readonly namespace: string;
  /** The Harbor user added to the project as guest. */
  readonly member: string;
  /** The Deployment's name. */
  readonly deployment: string;
  /** The container image, in the app's project. */
  readonly image: string;
}

/** How the apps are laid out in charts. */
export type BenchLayout = 'one-chart' | 'chart-per-app';

/** App number `i` (0-based). */
export function benchApp(i: number): BenchApp {
  const team = `team-${i}`;
  return {
    id: `app-${i}`,
    project: team,
    namespace: team,
    member: `${team}-dev`,
    deployment: `svc-${i}`,
    image: `${BENCH_REGISTRY_HOST}/${team}/svc:1.0.${i % 10}`,
  };
}

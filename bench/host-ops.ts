/**
 * Preview, no-op up and refresh of N apps' Harbor resources through Pulumi's own dynamic provider host
 * (test/pulumi/support/real-host.ts: `@pulumi/pulumi/cmd/dynamic-provider` in a process of its own, driven over gRPC
 * as the engine drives it), against the same host running a trivial provider over the same resources (the floor).
 *
 * Setup, once: the lab's Harbor emulator (test/lab/harbor-emulator.ts) with one user per app; every app's Harbor
 * resources as the tests' stack declares them (test/pulumi/support/lifecycle.ts `seedStack`: project, member, robot
 * and the robot's login, named after bench/fixtures.ts's app), created through the real host. That gives the registered
 * inputs and the states `pulumi up` stores, each carrying its provider text (`__provider`).
 *
 * Then each run starts a new host (every `pulumi` command starts one), configured with the stack configuration, and
 * times one operation, from the first call until every answer is in:
 * - `preview` and `up-noop`: per resource, `Check(olds = stored inputs, news = the registered inputs)` then
 *   `Diff(id, olds = stored state, news = the inputs Check returned)`, as the engine sends them for a `pulumi preview`
 *   and for the update of a `pulumi up` (which sends nothing more for a resource without changes: a same step). Both
 *   send the same calls; `pulumi up` without `--skip-preview` runs a preview first. Every diff must answer no change;
 * - `refresh`: `Read(id, properties = stored state, inputs = stored inputs)` of every resource; every resource must be
 *   found.
 * Calls go out with bounded concurrency (`concurrency` resources at a time), as the engine runs steps in parallel (the
 * CLI's `--parallel` is unbounded by default; on this bench's two cores more in flight would not lower the CPU spent).
 *
 * The floor: the same host, the same resources with the same inputs and states, but a trivial provider text (diff: no
 * change; read: the props as they are) padded with a comment to the length of the text it stands for, so that every
 * call carries as many bytes. Runs alternate, ours then the floor. The emulator counts Harbor's requests per run.
 *
 * Runs under ts-node from the repository (the emulator finds Harbor's swagger relative to its own file).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HarborTarget } from '../lib/pulumi/providers/connection';
import { PROVIDER_KEY } from '../lib/pulumi/providers/boundary';
import { HarborEmulator, startEmulatorServer } from '../test/lab/harbor-emulator';
import { robotLoginInputs, seedStack } from '../test/pulumi/support/lifecycle';
import { startRealHost, type RealHost } from '../test/pulumi/support/real-host';
import { serializeLikePulumiUp, type ProviderTexts } from '../test/pulumi/support/serialized';
import { benchApp, type BenchApp } from './fixtures';
import { route } from './harbor-calls';
import { benchConfig } from './pulumi-scenario';

/** The operations timed. */
export const HOST_OPERATIONS = ['preview', 'up-noop', 'refresh'] as const;
export type HostOperation = (typeof HOST_OPERATIONS)[number];

/** Where the providers come from: this repository's texts serialized by value, or the installed package's reference. */
export type HostMode = 'source' | 'installed';

/** What the child measures. */
export interface HostOpsTask {
  readonly n: number;
  readonly runs: number;
  /** Resources in flight at once. */
  readonly concurrency: number;
  readonly mode: HostMode;
  /** The program's directory with the package installed (bench/pulumi-install.ts), for mode `installed`. */
  readonly programDir?: string;
  /**
   * Profile instead of measuring: one run of each operation on each side, every host under `node --cpu-prof`, its
   * profile written into `<profileDir>/<operation>-<ours|floor>/`.
   */
  readonly profileDir?: string;
}

/** One timed run of one operation on one side. */
export interface HostRun {
  /** From the first call to the last answer, in ms (the host already started and configured). */
  readonly ms: number;
  /** Starting the host and its Configure, in ms (not in `ms`). */
  readonly startMs: number;
  /** The host process's peak RSS (VmHWM), in MB; 0 where /proc is not readable. */
  readonly maxRssMb: number;
  /** CPU time (user + system) of the host process during the operation, in ms; 0 where /proc is not readable. */
  readonly hostCpuMs: number;
  /** CPU time of this process (the engine's part and the emulator) during the operation, in ms. */
  readonly driverCpuMs: number;
  /** Harbor requests during the operation. */
  readonly requests: number;
  readonly gets: number;
  readonly writes: number;
  /** Requests by `METHOD /route`. */
  readonly routes: Readonly<Record<string, number>>;
  /** GET requests by the kind of resource whose route they are. */
  readonly getsByKind: Readonly<Record<string, number>>;
}

/** What the child reports. */
export interface HostOpsResult {
  readonly pulumiVersion: string;
  readonly mode: HostMode;
  readonly resources: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly concurrency: number;
  /** Length of each provider text (the floor's are padded to the same). */
  readonly providerChars: Readonly<Record<string, number>>;
  /** Characters of JSON of every stored state and input together (the floor sends the same). */
  readonly storedChars: number;
  /** Creating every resource through the host, in ms (setup, not compared). */
  readonly createMs: number;
  readonly createRequests: number;
  readonly runs: Readonly<Record<HostOperation, { readonly ours: HostRun[]; readonly floor: HostRun[] }>>;
}

/** One Harbor resource of the stack: what the engine stores for it. */
interface Stored {
  readonly urn: string;
  readonly kind: string;
  /** The inputs the program registers (here seedStack's, which hold the defaults already), with `__provider`. */
  registered: Record<string, any>;
  /** The stored inputs: what `Check` returned for them (the defaults filled in), with `__provider`. */
  inputs: Record<string, any>;
  id: string;
  /** The state: the create outputs as the host returned them (with `__provider`). */
  state: Record<string, any>;
}

/** The provider text of the floor: no Harbor, no work; `length` characters long (a comment pads it). */
function floorProviderText(length: number): string {
  const code = [
    'exports.handler = () => provider;',
    'const provider = {',
    '  async create(inputs) { return { id: "floor", outs: inputs }; },',
    '  async diff() { return { changes: false }; },',
    '  async read(id, props) { return { id, props }; },',
    '  async update(id, olds, news) { return { outs: news }; },',
    '  async delete() {},',
    '};',
    '',
  ].join('\n');
  const pad = Math.max(0, length - code.length - '/**/'.length);
  return `${code}/*${'-'.repeat(pad)}*/`;
}

const STACK = 'bench';
const PARENT_TYPE = 'harbor-private-app:index:HarborPrivateApp';
const TYPES: Readonly<Record<string, string>> = {
  project: 'pulumi-nodejs:dynamic/harbor:Project',
  member: 'pulumi-nodejs:dynamic/harbor:ProjectMember',
  robot: 'pulumi-nodejs:dynamic/harbor:RobotAccount',
  robotLogin: 'pulumi-nodejs:dynamic/harbor:RobotLogin',
};

/** App `a`'s Harbor resources as the tests' stack declares them, its names in place of the seed's (flat inputs). */
function appResources(a: BenchApp, harbor: HarborTarget): Array<{ kind: string; name: string; inputs: any }> {
  const names: Readonly<Record<string, Record<string, unknown>>> = {
    project: { name: a.project },
    member: { project: a.project, entityName: a.member },
    robot: {
      project: a.project,
      name: `${a.id}-pull`,
      description: `Pull secret of ${a.deployment}, managed by harbor-private-app`,
    },
  };
  return seedStack(harbor).map((r) => {
    const inputs: Record<string, any> = { ...r.inputs, ...(names[r.name] ?? {}) };
    if (r.name === 'robot') {
      inputs.permissions = (inputs.permissions as Array<Record<string, unknown>>).map((p) => ({
        ...p,
        namespace: a.project,
      }));
    }
    return { kind: r.name, name: `${a.id}-${r.name}`, inputs };
  });
}

/** Runs `fn` over `items`, at most `limit` at a time, in order of start. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The peak RSS of a live process, in MB (Linux), else 0. */
function peakRssMb(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * A launcher that runs `node` as the host runs it, under `--cpu-prof` into `dir`, exiting by itself on SIGINT (a
 * process writes its profile only when it exits by itself). Written into `dir`.
 */
function profilingNode(dir: string): string {
  const preload = join(dir, 'exit-on-sigint.js');
  writeFileSync(preload, "process.on('SIGINT', () => process.exit(0));\n");
  const launcher = join(dir, 'node-cpu-prof.sh');
  writeFileSync(
    launcher,
    `#!/bin/sh\nexec '${process.execPath}' --cpu-prof --cpu-prof-dir='${dir}' --require '${preload}' "$@"\n`,
  );
  chmodSync(launcher, 0o755);
  return launcher;
}

/** Sends `signal` to process `pid` and waits (up to a minute) until it is gone. */
async function exited(pid: number, signal: NodeJS.Signals): Promise<void> {
  process.kill(pid, signal);
  for (let waited = 0; waited < 60_000; waited += 50) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bench: the host (pid ${pid}) did not exit within a minute of ${signal}`);
}

/** The CPU time (user + system) a live process has used, in ms (Linux, at the kernel's clock tick), else 0. */
function cpuMsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The kernel's clock ticks per second (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS = 100;

/** The kind of Harbor resource a route belongs to. */
function routeKind(r: string): string {
  if (r.startsWith('/robots')) return 'robot';
  if (r.includes('/members')) return 'member';
  if (r.startsWith('/projects')) return 'project';
  return 'other';
}

/** The provider texts of the installed package: the reference each Harbor resource stores (a few KB). */
function installedTexts(programDir: string): ProviderTexts {
  const ref = require(
    join(
      programDir,
      'node_modules',
      'harbor-private-app',
      'dist-lib',
      'lib',
      'pulumi',
      'resources',
      'provider-reference.js',
    ),
  ) as typeof import('../lib/pulumi/resources/provider-reference');
  const text = ref.providerReferenceText;
  return {
    project: text('harborProjectProvider'),
    member: text('harborMemberProvider'),
    robot: text('harborRobotProvider'),
    robotLogin: text('harborRobotLoginProvider'),
    robotRotation: text('harborRobotRotationProvider'),
  };
}

/** Creates the stack once, then times every operation `runs` times on each side. */
export async function runHostOperations(task: HostOpsTask): Promise<HostOpsResult> {
  const repo = resolve(__dirname, '..');
  if (task.mode === 'installed' && !task.programDir) throw new Error('bench: mode installed needs programDir');
  const cwd = task.mode === 'installed' ? task.programDir! : repo;
  const texts = task.mode === 'installed' ? installedTexts(cwd) : serializeLikePulumiUp();
  const adminPassword = randomBytes(12).toString('hex');
  const emulator = new HarborEmulator({ adminPassword });
  const server = await startEmulatorServer(emulator);
  const hosts = new Set<RealHost>();
  try {
    const config = benchConfig({ url: server.url, username: 'admin', password: adminPassword });
    const start = async (profileDir?: string): Promise<RealHost> => {
      const host = await startRealHost({
        ...(profileDir ? { node: profilingNode(profileDir) } : {}),
        cwd,
        config,
        secretKeys: ['bench:harborPassword'],
        project: STACK,
        stack: STACK,
        timeoutMs: 10 * 60_000,
      });
      hosts.add(host);
      return host;
    };
    const stop = async (host: RealHost, profiled = false): Promise<void> => {
      // A profiled host writes its profile when it exits by itself: asked to (SIGINT), not killed.
      if (profiled) await exited(host.pid, 'SIGINT');
      hosts.delete(host);
      await host.close();
    };
    const harbor: HarborTarget = { url: server.url, config: `${STACK}:harbor` };
    const urnOf = (kind: string, name: string): string =>
      `urn:pulumi:${STACK}::${STACK}::${PARENT_TYPE}$${TYPES[kind]}::${name}`;

    // Setup: create every app's resources through the host (apps in parallel, each app's resources in order).
    const apps: Stored[][] = [];
    const creating = await start();
    const t0 = performance.now();
    await pool(
      Array.from({ length: task.n }, (_, i) => i),
      task.concurrency,
      async (i) => {
        const a = benchApp(i);
        emulator.addUser(a.member);
        const app: Stored[] = [];
        for (const r of appResources(a, harbor)) {
          const flat =
            r.kind === 'robotLogin' ? robotLoginInputs({ id: app[2].id, outs: app[2].state }) : (r.inputs as object);
          const text = texts[r.kind as keyof ProviderTexts];
          const registered = { ...(flat as Record<string, any>), [PROVIDER_KEY]: text };
          const urn = urnOf(r.kind, r.name);
          // The engine's Check, then Create with what it returned (the inputs it stores).
          const inputs = (await creating.check({}, registered, urn)).inputs;
          const created = await creating.create(inputs, urn);
          app.push({ urn, kind: r.kind, registered, inputs, id: created.id, state: created.outs });
        }
        apps[i] = app;
      },
    );
    const createMs = performance.now() - t0;
    await stop(creating);
    const createRequests = emulator.requests.length;
    const ours = apps.flat();
    const floorTexts = new Map(Object.values(texts).map((t) => [t, floorProviderText(t.length)]));
    const floor: Stored[] = ours.map((r) => {
      const text = floorTexts.get(r.inputs[PROVIDER_KEY] as string)!;
      return {
        ...r,
        registered: { ...r.registered, [PROVIDER_KEY]: text },
        inputs: { ...r.inputs, [PROVIDER_KEY]: text },
        state: { ...r.state, [PROVIDER_KEY]: text },
      };
    });

    const runOnce = async (op: HostOperation, resources: readonly Stored[], profileDir?: string): Promise<HostRun> => {
      const s0 = performance.now();
      const host = await start(profileDir);
      const startMs = performance.now() - s0;
      emulator.resetLog();
      const hostCpu0 = cpuMsOf(host.pid);
      const driverCpu0 = process.cpuUsage();
      const c0 = performance.now();
      await pool(resources, task.concurrency, async (r) => {
        if (op === 'refresh') {
          const read = await host.read(r.id, r.state, r.inputs, r.urn);
          if (!read.id) throw new Error(`bench: refresh found no ${r.urn} right after it was created`);
          return;
        }
        const checked = await host.check(r.inputs, r.registered, r.urn);
        if (checked.failures.length)
          throw new Error(`bench: check of ${r.urn} failed: ${JSON.stringify(checked.failures)}`);
        const diff = await host.diff(r.id, r.state, checked.inputs, r.urn);
        if (diff.changes !== false)
          throw new Error(`bench: ${op} of ${r.urn} found changes in a stack that has none: ${JSON.stringify(diff)}`);
      });
      const ms = performance.now() - c0;
      const driverCpu = process.cpuUsage(driverCpu0);
      const hostCpuMs = cpuMsOf(host.pid) - hostCpu0;
      const maxRssMb = peakRssMb(host.pid);
      await stop(host, profileDir !== undefined);
      const routes: Record<string, number> = {};
      const getsByKind: Record<string, number> = {};
      for (const q of emulator.requests) {
        const r = route(q.path);
        routes[`${q.method} ${r}`] = (routes[`${q.method} ${r}`] ?? 0) + 1;
        if (q.method === 'GET') getsByKind[routeKind(r)] = (getsByKind[routeKind(r)] ?? 0) + 1;
      }
      return {
        ms,
        startMs,
        maxRssMb,
        hostCpuMs,
        driverCpuMs: (driverCpu.user + driverCpu.system) / 1000,
        requests: emulator.requests.length,
        gets: emulator.requests.filter((q) => q.method === 'GET').length,
        writes: emulator.writes(),
        routes,
        getsByKind,
      };
    };

    const runs = {} as Record<HostOperation, { ours: HostRun[]; floor: HostRun[] }>;
    for (const op of HOST_OPERATIONS) runs[op] = { ours: [], floor: [] };
    const profileDir = (op: HostOperation, side: string): string | undefined => {
      if (!task.profileDir) return undefined;
      const dir = join(task.profileDir, `${op}-${side}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    for (let i = 0; i < (task.profileDir ? 1 : task.runs); i++) {
      for (const op of HOST_OPERATIONS) {
        runs[op].ours.push(await runOnce(op, ours, profileDir(op, 'ours')));
        runs[op].floor.push(await runOnce(op, floor, profileDir(op, 'floor')));
      }
    }
    if (emulator.contractViolations.length) {
      throw new Error(
        `bench: the emulator saw requests that break Harbor's swagger:\n  ${emulator.contractViolations.join('\n  ')}`,
      );
    }
    const byKind: Record<string, number> = {};
    for (const r of ours) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    return {
      pulumiVersion: creating.pulumiVersion,
      mode: task.mode,
      resources: ours.length,
      byKind,
      concurrency: task.concurrency,
      providerChars: { harbor: texts.project.length, login: texts.robotLogin.length },
      storedChars: ours.reduce((sum, r) => sum + JSON.stringify(r.inputs).length + JSON.stringify(r.state).length, 0),
      createMs,
      createRequests,
      runs,
    };
  } finally {
    await Promise.all([...hosts].map((h) => h.close()));
    await server.close();
  }
}

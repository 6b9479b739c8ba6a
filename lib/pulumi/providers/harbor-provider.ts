/**
 * The one dynamic provider behind every Harbor resource of this package. Pulumi serializes a dynamic provider once
 * per provider object and stores the text with each resource; one object for all kinds means one serialization per
 * program instead of one per kind. (Robot logins, robot rotations and pull checks register with their own providers,
 * robot-login-provider.ts, robot-rotation-provider.ts and pull-check-provider.ts, so that their state does not hold
 * this one; it handles them too, for callers that use one provider for all.) It dispatches on the `resourceKind`
 * input, which each resource sets and which the kind providers carry into the outputs (so `read` and `delete` see it
 * too).
 */
import type { dynamic } from '@pulumi/pulumi';
import { harborMemberProvider } from './member-provider';
import { harborProjectProvider } from './project-provider';
import { HarborPullCheckProvider } from './pull-check-provider';
import { HarborRobotLoginProvider } from './robot-login-provider';
import { harborRobotProvider } from './robot-provider';
import { HarborRobotRotationProvider } from './robot-rotation-provider';
import { ProviderBoundary, providerTextChanged } from './boundary';

/** The kinds of Harbor resources, as the `resourceKind` input names them. */
export type HarborResourceKind = 'project' | 'member' | 'robot' | 'robotLogin' | 'robotRotation' | 'pullCheck';

/** The state of any Harbor resource, as far as dispatching goes. */
type KindProps = Readonly<Record<string, unknown>> | undefined;

/**
 * Create, read, diff, update and delete of Harbor projects, members, robots (and robot logins), by `resourceKind`.
 * Inputs and states as the host hands them; results through the host boundary ({@link ProviderBoundary}).
 *
 * `configure` (called by Pulumi's dynamic provider host with the stack configuration before any operation) hands the
 * configuration to every kind: they read the Harbor login from it. `check` (called by the engine before every diff and
 * create) has each kind fill in the defaults of the args a program left unset: the engine stores the inputs it returns.
 *
 * `diff` also reports a change, to be applied without any Harbor write, when the resource's stored provider text is
 * not the one the program serializes now: the engine keeps a resource's outputs, and so the provider text `refresh`
 * and `destroy` run, until an update stores new ones (the host's `update` returns the outputs with the NEW text,
 * cmd/dynamic-provider/index.js `resultIncludingProvider(result.outs, news)`; a diff without changes keeps the old).
 */
export class HarborProvider extends ProviderBoundary {
  constructor() {
    super(new HarborKindDispatcher());
  }
}

/** {@link HarborProvider}'s dispatch by `resourceKind`. */
class HarborKindDispatcher implements dynamic.ResourceProvider {
  private readonly kinds: Readonly<Record<HarborResourceKind, dynamic.ResourceProvider>> = {
    project: harborProjectProvider,
    member: harborMemberProvider,
    robot: harborRobotProvider,
    // The kind classes themselves: the exported instances wrap them in their own boundary.
    robotLogin: new HarborRobotLoginProvider(),
    robotRotation: new HarborRobotRotationProvider(),
    pullCheck: new HarborPullCheckProvider(),
  };

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    for (const kind of Object.values(this.kinds)) if (kind.configure) await kind.configure(req);
  }

  async check(olds: KindProps, news: KindProps): Promise<dynamic.CheckResult> {
    const p = this.of(news);
    return p.check ? p.check(olds, news) : { inputs: news };
  }

  async create(inputs: KindProps): Promise<dynamic.CreateResult> {
    return this.of(inputs).create(inputs);
  }

  async read(id: string, props: KindProps): Promise<dynamic.ReadResult> {
    const p = this.of(props);
    return p.read ? p.read(id, props) : { id, props };
  }

  async diff(id: string, olds: KindProps, news: KindProps): Promise<dynamic.DiffResult> {
    const p = this.of(news);
    if (olds?.resourceKind !== news?.resourceKind) return { changes: true, replaces: ['resourceKind'] };
    const result = p.diff ? await p.diff(id, olds, news) : { changes: true };
    return !result.changes && providerTextChanged(olds, news) ? { ...result, changes: true } : result;
  }

  async update(id: string, olds: KindProps, news: KindProps): Promise<dynamic.UpdateResult> {
    const p = this.of(news);
    return p.update ? p.update(id, olds, news) : { outs: news };
  }

  async delete(id: string, props: KindProps): Promise<void> {
    const p = this.of(props);
    if (p.delete) await p.delete(id, props);
  }

  private of(props: KindProps): dynamic.ResourceProvider {
    const kind = props?.resourceKind;
    if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(this.kinds, kind)) {
      throw new Error(
        `Harbor dynamic provider: resourceKind ${JSON.stringify(kind)} is not "project", "member", "robot", "robotLogin", "robotRotation" or "pullCheck"; the resource's state was not written by harbor-private-app.`,
      );
    }
    return this.kinds[kind as HarborResourceKind];
  }
}

/** The one instance every Harbor resource uses. */
export const harborProvider = new HarborProvider();

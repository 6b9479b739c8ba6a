/**
 * The one dynamic provider behind every Harbor resource of this package. Pulumi serializes a dynamic provider once
 * per provider object and stores the text with each resource; one object for the three kinds means one
 * serialization per program instead of three. It dispatches on the `resourceKind` input, which each resource sets
 * and which the kind providers carry into the outputs (so `read` and `delete` see it too).
 */
import type { dynamic } from '@pulumi/pulumi';
import { harborMemberProvider } from './member-provider';
import { harborProjectProvider } from './project-provider';
import { harborRobotProvider } from './robot-provider';

/** The kinds of Harbor resources, as the `resourceKind` input names them. */
export type HarborResourceKind = 'project' | 'member' | 'robot';

/** The state of any Harbor resource, as far as dispatching goes. */
type KindProps = Readonly<Record<string, unknown>> | undefined;

/** Create, read, diff, update and delete of Harbor projects, members and robots, by `resourceKind`. */
export class HarborProvider implements dynamic.ResourceProvider {
  private readonly kinds: Readonly<Record<HarborResourceKind, dynamic.ResourceProvider>> = {
    project: harborProjectProvider,
    member: harborMemberProvider,
    robot: harborRobotProvider,
  };

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
    return p.diff ? p.diff(id, olds, news) : { changes: true };
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
    if (kind !== 'project' && kind !== 'member' && kind !== 'robot') {
      throw new Error(
        `Harbor dynamic provider: resourceKind ${JSON.stringify(kind)} is not "project", "member" or "robot"; the resource's state was not written by harbor-private-app.`,
      );
    }
    return this.kinds[kind];
  }
}

/** The one instance every Harbor resource uses. */
export const harborProvider = new HarborProvider();

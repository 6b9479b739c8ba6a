/**
 * The dynamic provider of a Harbor project. Pulumi serializes this code into the stack (see
 * `pulumi.dynamic.Resource`), so it imports the Harbor client and nothing of Pulumi at run time.
 */
import type { dynamic } from '@pulumi/pulumi';
import { isHarborApiError } from '../harbor';
import { connectionChanged, HarborConnectionState, sameHarbor, withHarbor } from './connection';
import { deleteProjectRepositories } from './repositories';

/** The inputs of a Harbor project resource (plain values, as the provider receives them). */
export interface HarborProjectInputs {
  readonly connection: HarborConnectionState;
  /** The project name. Changing it replaces the project. */
  readonly name: string;
  readonly public: boolean;
  readonly autoScan: boolean;
  readonly preventVulnerableImages: boolean;
  /** Applied when the project is created only (Harbor keeps quotas apart from projects). `-1` unlimited. */
  readonly storageQuotaGb: number;
  /** Use an existing project: read it, never create, change or delete it. */
  readonly adopt: boolean;
  /** Delete the project's repositories when the project is deleted. */
  readonly forceDestroy: boolean;
}

/** The outputs of a Harbor project resource. */
export interface HarborProjectOutputs extends HarborProjectInputs {
  /** Harbor's numeric project id. */
  readonly projectId: number;
  /** True only when this provider created the project; only such a project is ever deleted. */
  readonly created: boolean;
}

const GB = 1024 * 1024 * 1024;

function projectLabel(inputs: { name?: string }): string {
  return `Harbor project ${JSON.stringify(inputs?.name ?? '')}`;
}

function metadataDiffers(a: Partial<HarborProjectInputs>, b: Partial<HarborProjectInputs>): boolean {
  return a.public !== b.public || a.autoScan !== b.autoScan || a.preventVulnerableImages !== b.preventVulnerableImages;
}

/**
 * Create, read (refresh), diff, update and delete of a Harbor project through Harbor's REST API.
 *
 * - create: `POST /projects` (1 write); with `adopt`, `GET /projects/{name}` only, failing when it is absent.
 * - read: `GET /projects/{name}`; an absent project reads as empty, so refresh drops it.
 * - diff: a new name or another Harbor replaces; metadata, adopt, forceDestroy and connection changes update.
 * - update: `PUT /projects/{name}` only when public/autoScan/preventVulnerableImages changed and it is not adopted.
 * - delete: `DELETE /projects/{name}` only when `created`; a 412 (repositories left) fails unless `forceDestroy`.
 */
export class HarborProjectProvider implements dynamic.ResourceProvider {
  async create(inputs: HarborProjectInputs): Promise<dynamic.CreateResult> {
    return withHarbor(inputs.connection, projectLabel(inputs), async (harbor) => {
      if (inputs.adopt) {
        const found = await harbor.getProject(inputs.name);
        if (!found) {
          throw new Error(
            `${projectLabel(inputs)} does not exist at ${harbor.origin}, and project.adopt: true only uses an existing project: ` +
              'create it in Harbor first, or set project.adopt: false to let this stack create (and own) it.',
          );
        }
        const outs: HarborProjectOutputs = { ...inputs, projectId: found.id, created: false };
        return { id: String(found.id), outs };
      }
      let id: number;
      try {
        ({ id } = await harbor.createProject({
          name: inputs.name,
          public: inputs.public,
          autoScan: inputs.autoScan,
          preventVul: inputs.preventVulnerableImages,
          storageLimitBytes: inputs.storageQuotaGb === -1 ? -1 : Math.round(inputs.storageQuotaGb * GB),
        }));
      } catch (e) {
        if (isHarborApiError(e) && e.status === 409) {
          throw new Error(
            `${projectLabel(inputs)} already exists at ${harbor.origin}; this stack did not create it. ` +
              'Fix: set project.adopt: true to use it without owning it, or choose another project name. ' +
              `(${e.message})`,
          );
        }
        throw e;
      }
      const outs: HarborProjectOutputs = { ...inputs, projectId: id, created: true };
      return { id: String(id), outs };
    });
  }

  async read(id: string, props: HarborProjectOutputs): Promise<dynamic.ReadResult> {
    return withHarbor(props.connection, projectLabel(props), async (harbor) => {
      const found = await harbor.getProject(props.name);
      if (!found) return {};
      const outs: HarborProjectOutputs = props.adopt
        ? { ...props, projectId: found.id }
        : { ...props, projectId: found.id, public: found.public, autoScan: found.autoScan, preventVulnerableImages: found.preventVul };
      return { id: found.id === Number(id) ? id : String(found.id), props: outs };
    });
  }

  async diff(_id: string, olds: HarborProjectOutputs, news: HarborProjectInputs): Promise<dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.name !== news.name) replaces.push('name');
    if (!sameHarbor(olds.connection, news.connection)) replaces.push('connection');
    const changed =
      replaces.length > 0 ||
      (!news.adopt && metadataDiffers(olds, news)) ||
      Boolean(olds.adopt) !== Boolean(news.adopt) ||
      Boolean(olds.forceDestroy) !== Boolean(news.forceDestroy) ||
      connectionChanged(olds.connection, news.connection);
    return { changes: changed, replaces, deleteBeforeReplace: false };
  }

  async update(_id: string, olds: HarborProjectOutputs, news: HarborProjectInputs): Promise<dynamic.UpdateResult> {
    if (!news.adopt && metadataDiffers(olds, news)) {
      await withHarbor(news.connection, projectLabel(news), (harbor) =>
        harbor.updateProject(news.name, { name: news.name, public: news.public, autoScan: news.autoScan, preventVul: news.preventVulnerableImages }),
      );
    }
    // Adopting a project we created hands it over (never deleted from now on); un-adopting never makes it ours.
    const outs: HarborProjectOutputs = { ...news, projectId: olds.projectId, created: news.adopt ? false : olds.created === true };
    return { outs };
  }

  async delete(_id: string, props: HarborProjectOutputs): Promise<void> {
    if (props.created !== true) return;
    await withHarbor(props.connection, projectLabel(props), async (harbor) => {
      try {
        await harbor.deleteProject(props.name);
      } catch (e) {
        if (!isHarborApiError(e) || e.status !== 412) throw e;
        if (!props.forceDestroy) {
          throw new Error(
            `${projectLabel(props)} was not deleted because it still holds repositories: ${e.message}. ` +
              'Fix: delete the repositories in Harbor, or set project.forceDestroy: true (run "pulumi up" first) to let the stack delete them.',
          );
        }
        await deleteProjectRepositories(props.connection, props.name);
        await harbor.deleteProject(props.name);
      }
    });
  }
}

/** A ready instance (the resources use it through HarborProvider, which dispatches by kind). */
export const harborProjectProvider = new HarborProjectProvider();

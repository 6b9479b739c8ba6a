/**
 * The dynamic provider of a Harbor project. Pulumi serializes this code into the stack (see
 * `pulumi.dynamic.Resource`), so it imports the Harbor client and nothing of Pulumi at run time.
 */
import type { dynamic } from '@pulumi/pulumi';
import { isHarborApiError, type HarborClient, type HarborLookup, type HarborProject } from '../../harbor';
import { createChecked, createdWithin } from '../../harbor/checked-write';
import {
  harborMoved,
  harborStateChanged,
  harborUrlOf,
  HarborLocated,
  otherHarborError,
  StackConfiguredProvider,
} from './connection';
import type { ResolvedProject } from '../../core/resolve';
import { PROJECT_DEFAULTS, withDefaults } from '../../core/defaults';
import { ProviderBoundary } from './boundary';

/**
 * The inputs of a Harbor project resource (plain values, as the provider receives them): the project as lib/core
 * resolves it (a new name replaces the project; everything else is updated in place), and its Harbor (`harbor`).
 */
export interface HarborProjectInputs extends ResolvedProject, HarborLocated {}

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

/** The quota in bytes as Harbor takes it (`-1` unlimited). */
function quotaBytes(gb: number): number {
  return gb === -1 ? -1 : Math.round(gb * GB);
}

/**
 * True when the quota must be set: `news` sets one (unset, the quota is Harbor's and not managed) and `olds` had
 * another, or none (compared in bytes, as Harbor keeps them).
 */
function quotaDiffers(olds: Partial<HarborProjectInputs>, news: Partial<HarborProjectInputs>): boolean {
  if (news.storageQuotaGb === undefined) return false;
  return olds.storageQuotaGb === undefined || quotaBytes(olds.storageQuotaGb) !== quotaBytes(news.storageQuotaGb);
}

/**
 * Refuses a storage quota the login cannot set, before any write: Harbor lets only a system administrator set one
 * (src/server/v2.0/handler/project.go `CreateProject` replaces a non-administrator's `storage_limit` by the system's
 * default; `quota.go` `UpdateQuota` needs system access), so it would be recorded and never applied.
 */
async function assertMaySetQuota(harbor: HarborClient, inputs: HarborProjectInputs, username: string): Promise<void> {
  if ((await harbor.currentUser()).sysAdmin) return;
  throw new Error(
    `${projectLabel(inputs)}: project.storageQuotaGb ${inputs.storageQuotaGb} cannot be set by ${JSON.stringify(username)}, ` +
      "who is not a Harbor system administrator: Harbor gives a project created by another user the system's default " +
      'quota and lets only system administrators change quotas. Nothing was written. Fix: use a system administrator ' +
      "login for this Harbor, or leave project.storageQuotaGb out (the project keeps Harbor's quota).",
  );
}

/**
 * Create, read (refresh), diff, update and delete of a Harbor project through Harbor's REST API.
 *
 * - create: `POST /projects` (1 write; without `storage_limit` when `storageQuotaGb` is unset, so that Harbor gives
 *   the project its default quota, src/server/v2.0/handler/project.go `CreateProject`); with `adopt`,
 *   `GET /projects/{name}` only, failing when it is absent.
 *   A create that fails without a clear answer (connection reset, timeout, 429/5xx) is never repeated blindly: the
 *   project is looked up (`GET /projects/{name}`) first. Found, it counts as created by this stack only when Harbor
 *   says it was created by the connection's user after the create was sent (Harbor's `owner_name` and
 *   `creation_time` against its own clock); otherwise create fails and asks to adopt it. Absent, the create is
 *   repeated, at most `maxRetries + 1` times.
 * - read: `GET /projects/{name}`, and for a project it manages with a declared `storageQuotaGb`
 *   `GET /projects/{name}/summary` for the storage quota (its drift is read back, unless the login is no system
 *   administrator, `GET /users/current`: a quota it cannot set is not drift it could repair); an unset quota is
 *   Harbor's, never read; an absent project reads as empty, so refresh drops it. So does a project this stack
 *   created that now has another id: it was deleted and recreated outside the stack, it is not ours to change or
 *   delete (the next `up` then fails at create and asks to adopt it).
 * - diff: a new name replaces; metadata, a declared storage quota (unset: not managed, no diff), adopt, forceDestroy
 *   and the Harbor address update. A new
 *   address is never a replacement: it is checked to reach the same Harbor when the update runs.
 * - update: when the address changed, `GET /projects/{id}` there first (the project this stack knows by id must be
 *   there, with its name), failing before any write otherwise; `PUT /projects/{name}` when
 *   public/autoScan/preventVulnerableImages changed; `GET /quotas?reference_id=` and `PUT /quotas/{id}` when the
 *   storage quota changed (Harbor lets only a system administrator change quotas: another login is refused, before
 *   any write, by `GET /users/current`; so is a create with a quota). Nothing for an adopted project.
 * - delete: `DELETE /projects/{name}` only when `created`; a 412 (repositories left) fails unless `forceDestroy`; a
 *   project already gone counts as deleted (404, or 403 to a login that is no system administrator when
 *   `HEAD /projects?project_name=` says it is absent).
 */
export class HarborProjectProvider extends StackConfiguredProvider implements dynamic.ResourceProvider {
  /**
   * The inputs with lib/core's defaults (`PROJECT_DEFAULTS`) for the args the program left unset: the engine stores
   * what this returns. `storageQuotaGb` has none: unset, the quota is not managed.
   */
  async check(_olds: unknown, news: HarborProjectInputs): Promise<dynamic.CheckResult> {
    return { inputs: withDefaults(news, PROJECT_DEFAULTS) };
  }

  async create(inputs: HarborProjectInputs): Promise<dynamic.CreateResult> {
    return this.withHarbor(inputs, projectLabel(inputs), async (harbor, login) => {
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
      const quota = inputs.storageQuotaGb;
      if (quota !== undefined && quotaBytes(quota) !== -1) await assertMaySetQuota(harbor, inputs, login.username);
      let id: number;
      try {
        const result = await createChecked<{ id: number }, { lookup: HarborLookup<HarborProject>; atMs: number }>({
          what: projectLabel(inputs),
          policy: harbor,
          create: () =>
            harbor.createProject({
              name: inputs.name,
              public: inputs.public,
              autoScan: inputs.autoScan,
              preventVul: inputs.preventVulnerableImages,
              // Unset: no storage_limit, and Harbor gives the project its storage_per_project default.
              storageLimitBytes: quota === undefined ? undefined : quotaBytes(quota),
            }),
          lookup: async () => {
            const lookup = await harbor.inspectProject(inputs.name);
            return lookup.found ? { lookup, atMs: Date.now() } : undefined;
          },
        });
        if (result.kind === 'created') {
          id = result.value.id;
        } else {
          const { lookup, atMs } = result.value;
          const found = lookup.found as HarborProject;
          const ours =
            found.ownerName === login.username && createdWithin(found.creationTime, lookup, result.sinceMs, atMs);
          if (!ours) {
            throw new Error(
              `${projectLabel(inputs)}: the create failed without a clear answer, and a project with this name exists at ${harbor.origin} ` +
                `that this stack cannot tell it created (owner ${JSON.stringify(found.ownerName ?? 'unknown')}, created ` +
                `${found.creationTime !== undefined ? new Date(found.creationTime).toISOString() : 'at an unknown time'}). ` +
                'Fix: if it is the project you want, set project.adopt: true to use it without owning it; otherwise choose another project name.',
            );
          }
          id = found.id;
        }
      } catch (e) {
        if (isHarborApiError(e) && e.status === 409) {
          throw new Error(
            `${projectLabel(inputs)} already exists at ${harbor.origin}; this stack did not create it. ` +
              'Fix: set project.adopt: true to use it without owning it, or choose another project name. ' +
              `(${e.message})`,
            { cause: e },
          );
        }
        throw e;
      }
      const outs: HarborProjectOutputs = { ...inputs, projectId: id, created: true };
      return { id: String(id), outs };
    });
  }

  async read(id: string, props: HarborProjectOutputs): Promise<dynamic.ReadResult> {
    return this.withHarbor(props, projectLabel(props), async (harbor) => {
      const found = await harbor.getProject(props.name);
      if (!found) return {};
      const knownId = Number(props.projectId ?? id);
      // Created by this stack, but now another project under the same name: never change or delete that one.
      if (!props.adopt && props.created === true && Number.isFinite(knownId) && found.id !== knownId) return {};
      if (props.adopt)
        return { id: found.id === Number(id) ? id : String(found.id), props: { ...props, projectId: found.id } };
      // A quota the stack does not manage (unset) is not read at all: no GET /summary.
      const managed = props.storageQuotaGb;
      let limit = managed === undefined ? undefined : await harbor.getProjectStorageLimit(props.name);
      // Another quota than the state's, and a login that cannot set quotas: it is Harbor's default (a project created
      // by a non-administrator gets it) or an administrator's choice, neither of which this stack can change; it is
      // not read back as drift, which an update could never repair.
      if (limit !== undefined && managed !== undefined && limit !== quotaBytes(managed)) {
        if (!(await harbor.currentUser()).sysAdmin) limit = undefined;
      }
      const outs: HarborProjectOutputs = {
        ...props,
        projectId: found.id,
        public: found.public,
        autoScan: found.autoScan,
        preventVulnerableImages: found.preventVul,
        ...(limit !== undefined ? { storageQuotaGb: limit === -1 ? -1 : limit / GB } : {}),
      };
      return { id: found.id === Number(id) ? id : String(found.id), props: outs };
    });
  }

  async diff(_id: string, olds: HarborProjectOutputs, news: HarborProjectInputs): Promise<dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.name !== news.name) replaces.push('name');
    const changed =
      replaces.length > 0 ||
      (!news.adopt && (metadataDiffers(olds, news) || quotaDiffers(olds, news))) ||
      Boolean(olds.adopt) !== Boolean(news.adopt) ||
      Boolean(olds.forceDestroy) !== Boolean(news.forceDestroy) ||
      harborStateChanged(olds, news);
    return { changes: changed, replaces, deleteBeforeReplace: false };
  }

  async update(_id: string, olds: HarborProjectOutputs, news: HarborProjectInputs): Promise<dynamic.UpdateResult> {
    const moved = harborMoved(olds, news);
    const writes = !news.adopt && (metadataDiffers(olds, news) || quotaDiffers(olds, news));
    if (moved || writes) {
      await this.withHarbor(news, projectLabel(news), async (harbor, login) => {
        if (moved) {
          // The project this stack knows by id must be at the new address, under its name: else it is another Harbor.
          const there = await harbor.getProjectById(olds.projectId);
          if (!there || there.name !== olds.name) {
            throw otherHarborError(
              projectLabel(news),
              harborUrlOf(olds),
              harbor.origin,
              there
                ? `project id ${olds.projectId} there is ${JSON.stringify(there.name)}`
                : `it has no project with id ${olds.projectId}`,
            );
          }
        }
        if (!news.adopt && quotaDiffers(olds, news)) await assertMaySetQuota(harbor, news, login.username);
        if (!news.adopt && metadataDiffers(olds, news)) {
          await harbor.updateProject(news.name, {
            name: news.name,
            public: news.public,
            autoScan: news.autoScan,
            preventVul: news.preventVulnerableImages,
          });
        }
        if (!news.adopt && news.storageQuotaGb !== undefined && quotaDiffers(olds, news)) {
          await harbor.setProjectStorageLimit(olds.projectId, quotaBytes(news.storageQuotaGb));
        }
      });
    }
    // Adopting a project we created hands it over (never deleted from now on); un-adopting never makes it ours.
    const outs: HarborProjectOutputs = {
      ...news,
      projectId: olds.projectId,
      created: news.adopt ? false : olds.created === true,
    };
    return { outs };
  }

  async delete(_id: string, props: HarborProjectOutputs): Promise<void> {
    if (props.created !== true) return;
    await this.withHarbor(props, projectLabel(props), async (harbor) => {
      // By id, not by name: a project someone deleted and recreated under this name since the last refresh is
      // not this stack's, and deleting by id cannot reach it.
      const remove = (): Promise<void> =>
        Number.isInteger(props.projectId) && props.projectId > 0
          ? harbor.deleteProjectById(props.projectId)
          : harbor.deleteProject(props.name);
      try {
        await remove();
      } catch (e) {
        // Deleted already (a repeated destroy): Harbor answers a login that is not a system administrator 403 for a
        // project that does not exist (src/server/v2.0/handler/base.go), which HEAD /projects?project_name= tells apart.
        if (isHarborApiError(e) && e.status === 403 && !(await harbor.projectExists(props.name))) return;
        if (!isHarborApiError(e) || e.status !== 412) throw e;
        if (!props.forceDestroy) {
          throw new Error(
            `${projectLabel(props)} was not deleted because it still holds repositories: ${e.message}. ` +
              'Fix: delete the repositories in Harbor, or set project.forceDestroy: true to let the stack delete them (store it with "pulumi up --target" on this project, then destroy again).',
            { cause: e },
          );
        }
        await harbor.deleteProjectRepositories(props.name);
        await remove();
      }
    });
  }
}

/**
 * The one instance every Harbor project registers with (its resources' provider reference names it), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborProjectProvider: dynamic.ResourceProvider = new ProviderBoundary(new HarborProjectProvider());

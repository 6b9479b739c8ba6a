/**
 * Plays the cluster side of the YAML engine against the lab, so the objects `cdk8s synth` emits can be
 * proven on real pulls: a stand-in for Crossplane provider-harbor (turns `Project`, `MemberUser`,
 * `MemberGroup` and `RobotAccount` into Harbor API calls and writes the robot's connection Secret with the
 * only key the provider writes, `attribute.secret`) and for External Secrets (fetches the keys an
 * `ExternalSecret` asks for through the kubernetes-provider store and renders its template).
 */
import { HarborRoleName, TERRAFORM_ROLE_NAMES } from '../../lib/core';
import { HarborClient } from '../../lib/harbor';
import { renderGoTemplate } from './go-template';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  [k: string]: any;
};

/** A Kubernetes Secret as the simulated cluster holds it (string data, not base64, for the tests' ease). */
export interface SimSecret {
  readonly type: string;
  readonly data: Record<string, string>;
}

/** What the simulated cluster holds: Secrets by `namespace/name`, and the Harbor ids to delete. */
export class SimCluster {
  public readonly secrets = new Map<string, SimSecret>();
  private readonly robots: Array<{ id: number; connection: string }> = [];
  private readonly members: Array<{ project: string; id: number }> = [];
  private readonly projects: string[] = [];

  constructor(private readonly harbor: HarborClient) {}

  /** Crossplane's part: reconcile the Harbor managed resources, in dependency order. */
  public async applyHarborObjects(objects: readonly Obj[]): Promise<void> {
    const projectByResource = new Map<string, string>();
    for (const o of objects.filter((x) => x.kind === 'Project')) {
      const f = o.spec.forProvider;
      projectByResource.set(o.metadata.name, f.name);
      await this.harbor.createProject({
        name: f.name,
        public: f.public,
        autoScan: f.vulnerabilityScanning,
        preventVul: f.deploymentSecurity !== undefined,
      });
      this.projects.push(f.name);
    }
    const roleOf = (tf: string): HarborRoleName => {
      const found = (Object.keys(TERRAFORM_ROLE_NAMES) as HarborRoleName[]).find((r) => TERRAFORM_ROLE_NAMES[r] === tf);
      if (!found) throw new Error(`provider-harbor does not know role "${tf}"`);
      return found;
    };
    for (const o of objects.filter((x) => x.kind === 'MemberUser' || x.kind === 'MemberGroup')) {
      const f = o.spec.forProvider;
      const project = projectByResource.get(f.projectIdRef.name);
      if (!project)
        throw new Error(`${o.kind} ${o.metadata.name}: projectIdRef ${f.projectIdRef.name} does not resolve`);
      const entity =
        o.kind === 'MemberUser'
          ? { kind: 'user' as const, name: f.userName }
          : { kind: 'group' as const, name: f.groupName };
      const { id } = await this.harbor.addMember(project, entity, roleOf(f.role));
      this.members.push({ project, id });
    }
    for (const o of objects.filter((x) => x.kind === 'RobotAccount')) {
      const f = o.spec.forProvider;
      const created = await this.harbor.createRobot({
        name: f.name,
        description: f.description,
        duration: f.duration,
        level: f.level,
        permissions: f.permissions,
      });
      const ref = o.spec.writeConnectionSecretToRef;
      const connection = `${ref.namespace}/${ref.name}`;
      this.secrets.set(connection, {
        type: 'connection.crossplane.io/v1alpha1',
        data: { 'attribute.secret': created.secret },
      });
      this.robots.push({ id: created.id, connection });
    }
  }

  /** External Secrets' part: every ExternalSecret becomes its target Secret. */
  public syncExternalSecrets(objects: readonly Obj[], remoteNamespace: string): void {
    for (const o of objects.filter((x) => x.kind === 'ExternalSecret')) {
      const fetched: Record<string, string> = {};
      for (const d of o.spec.data) {
        const source = this.secrets.get(`${remoteNamespace}/${d.remoteRef.key}`);
        if (!source)
          throw new Error(
            `ExternalSecret ${o.metadata.namespace}/${o.metadata.name}: ${remoteNamespace}/${d.remoteRef.key} does not exist`,
          );
        const value = source.data[d.remoteRef.property];
        if (value === undefined)
          throw new Error(`ExternalSecret ${o.metadata.name}: key ${d.remoteRef.property} missing`);
        fetched[d.secretKey] = value;
      }
      const t = o.spec.target.template;
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries<string>(t.data)) data[k] = renderGoTemplate(v, fetched);
      this.secrets.set(`${o.metadata.namespace}/${o.spec.target.name}`, { type: t.type, data });
    }
  }

  /** Deletes what was applied: robots (their connection Secrets go too), members, projects. */
  public async deleteHarborObjects(): Promise<void> {
    for (const r of this.robots.splice(0)) {
      await this.harbor.deleteRobot(r.id);
      this.secrets.delete(r.connection);
    }
    for (const m of this.members.splice(0)) await this.harbor.removeMember(m.project, m.id);
    for (const p of this.projects.splice(0)) await this.harbor.deleteProject(p);
  }
}

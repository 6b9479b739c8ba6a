import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { DeliveredHarborObjects, IHarborDelivery, NameClaim } from '../cdk8s/harbor-delivery';
import { HarborPrivateAppError, ResolvedHarborPrivateApp } from '../core';

/**
 * The Pulumi engine's delivery for the cdk8s construct: the Harbor objects are Pulumi resources (dynamic providers on
 * Harbor's API), so nothing is emitted for them; the robot's pull Secret is a `kubernetes.io/dockerconfigjson`
 * Secret without data, which the component fills from Harbor's create response as a Pulumi secret.
 */
export class PulumiDelivery implements IHarborDelivery {
  /** No names of its own; refuses what the Pulumi engine does not do yet (robot.rotation). */
  public claims(config: ResolvedHarborPrivateApp): NameClaim[] {
    if (config.robot?.rotation) {
      throw new HarborPrivateAppError({
        scope: `HarborPrivateApp ${JSON.stringify(config.appName)}`,
        field: 'robot.rotation',
        value: { step: config.robot.rotation.step },
        problem: "is the YAML engine's blue/green rotation; the Pulumi engine does not rotate with it",
        fix: 'drop robot.rotation from the Pulumi props (the robot keeps its secret)',
      });
    }
    return [];
  }

  public emitHarborObjects(): DeliveredHarborObjects {
    return {};
  }

  public emitRobotPullSecret(
    app: Construct,
    id: string,
    config: ResolvedHarborPrivateApp,
    namespace: string,
  ): ApiObject {
    return new kplus.k8s.KubeSecret(app, id, {
      metadata: { name: config.pullSecretName, namespace },
      type: 'kubernetes.io/dockerconfigjson',
    });
  }
}

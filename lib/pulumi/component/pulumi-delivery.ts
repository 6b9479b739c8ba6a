import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { DeliveredHarborObjects, IHarborDelivery, NameClaim } from '../../cdk8s/harbor-delivery';
import { HarborPrivateAppError, ResolvedHarborPrivateApp } from '../../core';

/**
 * The Pulumi engine's delivery for the cdk8s construct: the Harbor objects are Pulumi resources (dynamic providers on
 * Harbor's API), so nothing is emitted for them; the robot's pull Secret is a `kubernetes.io/dockerconfigjson`
 * Secret without data, which the component fills from Harbor's create response as a Pulumi secret.
 */
export class PulumiDelivery implements IHarborDelivery {
  /**
   * No names of its own. Refuses the YAML engine's `robot.rotation.step`: the Pulumi engine rotates a whole
   * blue/green cycle in one `pulumi up`, on `rotation.trigger` and `rotation.everyDays`.
   */
  public claims(config: ResolvedHarborPrivateApp): NameClaim[] {
    if (config.robot?.rotation) {
      throw new HarborPrivateAppError({
        scope: `HarborPrivateApp ${JSON.stringify(config.appName)}`,
        field: 'robot.rotation',
        value: { step: config.robot.rotation.step },
        problem:
          "is the YAML engine's step-by-step rotation; the Pulumi engine rotates a whole blue/green cycle in one pulumi up",
        fix: 'use rotation: { trigger: "<any value; change it to rotate>" } and/or rotation: { everyDays: 30 }',
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

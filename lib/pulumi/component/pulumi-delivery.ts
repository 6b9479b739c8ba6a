import { ApiObject } from 'cdk8s';
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
   * No names of its own. Refuses a `robot.rotation` with neither `everyDays` nor `trigger`: it would rotate nothing
   * (the resolver reads such a rotation as the cdk8s construct's step 0).
   */
  public claims(config: ResolvedHarborPrivateApp): NameClaim[] {
    if (config.robot?.rotation) {
      throw new HarborPrivateAppError({
        scope: `HarborPrivateApp ${JSON.stringify(config.appName)}`,
        field: 'robot.rotation',
        value: {},
        problem: 'gives neither trigger nor everyDays, so nothing would ever rotate',
        fix: 'use rotation: { trigger: "<any value; change it to rotate>" } and/or rotation: { everyDays: 30 }, or drop rotation',
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
    return new ApiObject(app, id, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: config.pullSecretName, namespace },
      type: 'kubernetes.io/dockerconfigjson',
    });
  }
}

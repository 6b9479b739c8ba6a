/**
 * The Pulumi program of the seed's coredns (Pulumi.yaml at the repository root points here).
 *
 *   pulumi config set harborUrl https://reg.harbor.com      # optional: https://<registryHost> by default
 *   pulumi config set harborUsername admin
 *   pulumi config set --secret harborPassword               # declared secret: true in Pulumi.yaml
 *   pulumi up
 *
 * The Harbor resources keep Harbor's URL, never the password: after a password change, `pulumi config set --secret
 * harborPassword` and `pulumi up` (README, "Operating it").
 */
import { harborConnection } from './config';
import { corednsStack } from './coredns';

const { app } = corednsStack({ connection: harborConnection() });

/** The robot's login name, as Harbor returned it. */
export const robotFullName = app.robotFullName;
/** The robot's secret (a Pulumi secret: `pulumi stack output --show-secrets robotSecret`). */
export const robotSecret = app.robotSecret;
/** Harbor's project id. */
export const projectId = app.projectId;
/** The pull Secret's name. */
export const pullSecretName = app.pullSecretName;
/** The namespaces with the pull Secret. */
export const namespaces = app.namespaces;

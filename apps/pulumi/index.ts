/**
 * The Pulumi program of the seed's coredns (Pulumi.yaml at the repository root points here).
 *
 *   pulumi config set harbor:url https://reg.harbor.com     # optional: https://<registryHost> by default
 *   pulumi config set harbor:username admin
 *   pulumi config set --secret harbor:password              # refused unless set with --secret
 *   pulumi up
 */
import * as pulumi from '@pulumi/pulumi';
import { corednsStack } from './coredns';

const config = new pulumi.Config('harbor');

// Pulumi.yaml cannot type keys outside the project's namespace (`secret: true` is refused for "harbor:password"),
// so the program insists on it: a password stored in clear text in Pulumi.<stack>.yaml is refused.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
if (isConfigSecret && config.get('password') !== undefined && !isConfigSecret('harbor:password')) {
  throw new Error('harbor:password is stored in clear text in the stack configuration. Fix: pulumi config set --secret harbor:password');
}

const { app } = corednsStack({
  harbor: {
    url: config.get('url'),
    username: config.require('username'),
    password: config.requireSecret('password'),
    caBundle: config.get('caBundle'),
  },
});

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

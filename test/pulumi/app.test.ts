/**
 * apps/pulumi and Pulumi.yaml: the program's connection is the project's stack configuration keys
 * harborUrl/harborUsername/harborPassword, it insists on a secret password, keeps the password out of every resource's
 * inputs, exports the app's outputs; Pulumi.yaml declares those keys with their types (the password `secret: true`)
 * under Pulumi's rules for project files.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { CONFIG_KEYS, harborConnection } from '../../apps/pulumi/config';
import { MOCK_HARBOR, installMocks, isSecretOutput, promiseOf, settled, unwrapSecrets } from './support/mocks';

const registrations = installMocks();
const PASSWORD = `pw-${randomBytes(9).toString('hex')}`;
const ROOT = join(__dirname, '..', '..');

// installMocks() runs the program as project "project": its own configuration keys are "project:<key>".
test('a clear-text harborPassword is refused with the fix; a missing username names the key', () => {
  const target = (): unknown => harborConnection().target('apps/pulumi', 'https://reg.harbor.com');
  expect(harborConnection().keys()).toEqual({
    url: `project:${CONFIG_KEYS.url}`,
    username: `project:${CONFIG_KEYS.username}`,
    password: `project:${CONFIG_KEYS.password}`,
    caBundle: `project:${CONFIG_KEYS.caBundle}`,
  });
  pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD }, []);
  expect(target).toThrow(
    /harborPassword = "<not shown>": is stored in clear text.*pulumi config set --secret harborPassword/,
  );
  pulumi.runtime.setAllConfig({ 'project:harborPassword': PASSWORD }, ['project:harborPassword']);
  expect(target).toThrow(/project:harborUsername = undefined: is not set in the stack configuration/);
});

test("the program creates the seed's coredns from the stack configuration and exports its outputs", async () => {
  pulumi.runtime.setAllConfig(
    {
      'project:harborUrl': 'https://harbor.example.invalid',
      'project:harborUsername': 'admin',
      'project:harborPassword': PASSWORD,
      'project:harborCaBundle': '',
    },
    ['project:harborPassword'],
  );
  const program = require('../../apps/pulumi/index') as typeof import('../../apps/pulumi/index');
  await settled('apps/pulumi/index.ts');
  const project = registrations.find((r) => r.type === 'pulumi-nodejs:dynamic/harbor:Project')!;
  expect(unwrapSecrets(project.inputs.harbor)).toEqual({
    url: 'https://harbor.example.invalid',
    config: 'project:harbor',
  });
  expect(registrations.filter((r) => JSON.stringify(r.inputs).includes(PASSWORD)).map((r) => r.name)).toEqual([]);
  expect(await promiseOf(program.robotFullName, 'robotFullName')).toBe('robot$k8s+coredns-pull');
  expect(await isSecretOutput(program.robotSecret, 'robotSecret')).toBe(true);
  expect(await promiseOf(program.robotSecret, 'robotSecret')).toBe(MOCK_HARBOR.robotSecret);
  expect(await promiseOf(program.projectId, 'projectId')).toBe(MOCK_HARBOR.projectId);
  expect(await promiseOf(program.pullSecretName, 'pullSecretName')).toBe('registry-secret');
  expect(await promiseOf(program.namespaces, 'namespaces')).toEqual(['kube-system']);
  expect(registrations.filter((r) => r.type === 'kubernetes:core/v1:ConfigMap').map((r) => r.name)).toEqual([
    'coredns-base-kube-system-coredns',
  ]);
});

test('Pulumi.yaml: the project, its TypeScript program, and config that Pulumi accepts', () => {
  const project = parse(readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8'));
  expect(project).toMatchObject({
    name: 'harbor-private-app-coredns',
    runtime: { name: 'nodejs', options: { typescript: true } },
    main: 'apps/pulumi/index.ts',
  });
  readFileSync(join(ROOT, project.main));
  // Pulumi's project rules (sdk/go/common/workspace/project.go): a key outside the project's namespace may not
  // declare a type, a default or secret, and must carry a value.
  for (const [key, decl] of Object.entries<unknown>(project.config ?? {})) {
    const own = !key.includes(':') || key.startsWith(`${project.name}:`);
    if (!own && decl && typeof decl === 'object') {
      expect([key, Object.keys(decl).filter((k) => k !== 'value' && k !== 'description')]).toEqual([key, []]);
      expect([key, 'value' in decl]).toEqual([key, true]);
    }
  }
  // The program's keys are the project's own, typed, the password declared secret; the optional ones have a default
  // (Pulumi requires a declared key without one).
  const config = project.config as Record<string, Record<string, unknown>>;
  expect(Object.keys(config).sort()).toEqual(Object.values(CONFIG_KEYS).sort());
  for (const key of Object.values(CONFIG_KEYS)) expect([key, config[key].type]).toEqual([key, 'string']);
  expect(config[CONFIG_KEYS.password].secret).toBe(true);
  expect(
    Object.keys(config)
      .filter((k) => 'default' in config[k])
      .sort(),
  ).toEqual([CONFIG_KEYS.caBundle, CONFIG_KEYS.url].sort());
});

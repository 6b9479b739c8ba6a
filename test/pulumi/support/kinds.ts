/**
 * The kinds of Harbor resources, for the tests that play the engine without a program: each kind registers with its
 * own provider (lib/pulumi/dynamic-provider.ts), and a real `pulumi up` picks it by the resource's `__provider` text.
 * Inputs written by hand in a test carry no text, so {@link kindOf} tells the kind from the keys every state of that
 * kind has (a test's stand-in for the text; the providers never need it).
 */
import type { dynamic } from '@pulumi/pulumi';
import {
  harborMemberProvider,
  harborProjectProvider,
  harborRobotLoginProvider,
  harborRobotProvider,
  harborRobotRotationProvider,
} from '../../../lib/pulumi/dynamic-provider';

/** A kind of Harbor resource, by its state's provider. */
export type HarborKind = 'project' | 'member' | 'robot' | 'robotLogin' | 'robotRotation';

/** Every kind, in the order an app declares them. */
export const HARBOR_KINDS: readonly HarborKind[] = ['project', 'member', 'robotRotation', 'robot', 'robotLogin'];

/** The exported provider of each kind. */
export const KIND_PROVIDERS: Readonly<Record<HarborKind, dynamic.ResourceProvider>> = {
  project: harborProjectProvider,
  member: harborMemberProvider,
  robot: harborRobotProvider,
  robotLogin: harborRobotLoginProvider,
  robotRotation: harborRobotRotationProvider,
};

/** The kind of a resource from its inputs or state: the keys only that kind has (a rotation has none of them). */
export function kindOf(props: unknown): HarborKind {
  const p = (props ?? {}) as Record<string, unknown>;
  if ('robotResourceId' in p) return 'robotLogin';
  if ('permissions' in p) return 'robot';
  if ('entityName' in p) return 'member';
  if ('harbor' in p && 'name' in p) return 'project';
  return 'robotRotation';
}

/**
 * One provider for every kind, for tests that drive several kinds through one value: each call goes to the exported
 * provider of the resource's kind ({@link kindOf}), as the host sends it to the provider its text names.
 */
export const harborProviders: Required<dynamic.ResourceProvider> = {
  configure: async (req) => {
    for (const p of Object.values(KIND_PROVIDERS)) if (p.configure) await p.configure(req);
  },
  check: async (olds, news) => {
    const p = KIND_PROVIDERS[kindOf(news)];
    return p.check ? p.check(olds, news) : { inputs: news };
  },
  create: (inputs) => KIND_PROVIDERS[kindOf(inputs)].create(inputs),
  read: async (id, props) => {
    const p = KIND_PROVIDERS[kindOf(props)];
    return p.read ? p.read(id, props) : { id, props };
  },
  diff: async (id, olds, news) => {
    const p = KIND_PROVIDERS[kindOf(news)];
    return p.diff ? p.diff(id, olds, news) : {};
  },
  update: async (id, olds, news) => {
    const p = KIND_PROVIDERS[kindOf(news)];
    return p.update ? p.update(id, olds, news) : { outs: news };
  },
  delete: async (id, props) => {
    const p = KIND_PROVIDERS[kindOf(props)];
    if (p.delete) await p.delete(id, props);
  },
};

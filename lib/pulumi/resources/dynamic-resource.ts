import * as pulumi from '@pulumi/pulumi';
import { packedSecretOutputs, packState, PROVIDER_KEY } from '../providers/state-shape';

/** The constructor of {@link HarborDynamicResource}. */
export interface HarborDynamicResourceConstructor {
  /**
   * @param provider the provider, serialized by Pulumi's closure serializer as `pulumi.dynamic.Resource` does, or its
   * serialized text already
   * @param module the type token's module (`harbor`)
   * @param type the type token's type (`Project`)
   */
  new (
    provider: pulumi.dynamic.ResourceProvider | string,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ): pulumi.dynamic.Resource;
}

/**
 * A `pulumi.dynamic.Resource` (an instance of it, the same type token `pulumi-nodejs:dynamic/<module>:<type>`, the
 * same inputs) whose provider may be given as its serialized text. Given an object, it is `pulumi.dynamic.Resource`
 * itself; given the text, it registers the resource as `pulumi.dynamic.Resource` would after serializing, with the text
 * as `__provider`, but without calling Pulumi's closure serializer, which loads TypeScript and enables the V8 debugger
 * for the rest of the program (every later resource then costs more).
 *
 * Either way, the inputs are registered in the packed layout of state-shape.ts (the kind's declared outputs at the top
 * level, every other input under `spec`), and an `additionalSecretOutputs` name that is packed becomes `spec`.
 */
export const HarborDynamicResource = function HarborDynamicResource(
  this: unknown,
  // The parameters are the interface's (written once there, checked here).
  ...[provider, name, props, opts, module, type]: ConstructorParameters<HarborDynamicResourceConstructor>
): pulumi.dynamic.Resource {
  if (new.target === undefined) throw new TypeError('HarborDynamicResource must be called with new');
  // The inputs only the provider reads go under one key (state-shape.ts): Pulumi makes an output for every top-level
  // input.
  const packed = packState(props);
  const secrets = opts?.additionalSecretOutputs;
  const packedOpts =
    secrets && secrets.length > 0
      ? { ...opts, additionalSecretOutputs: packedSecretOutputs(props.resourceKind, secrets) }
      : opts;
  if (typeof provider !== 'string') {
    return Reflect.construct(
      pulumi.dynamic.Resource,
      [provider, name, packed, packedOpts, module, type],
      new.target,
    ) as pulumi.dynamic.Resource;
  }
  if (props[PROVIDER_KEY] !== undefined) throw new Error('A dynamic resource must not define the __provider key');
  return Reflect.construct(
    pulumi.CustomResource,
    [`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...packed, [PROVIDER_KEY]: provider }, packedOpts],
    new.target,
  ) as pulumi.dynamic.Resource;
} as unknown as HarborDynamicResourceConstructor;

Object.setPrototypeOf(HarborDynamicResource, pulumi.dynamic.Resource);
HarborDynamicResource.prototype = Object.create(pulumi.dynamic.Resource.prototype, {
  constructor: { value: HarborDynamicResource, writable: true, configurable: true },
}) as pulumi.dynamic.Resource;

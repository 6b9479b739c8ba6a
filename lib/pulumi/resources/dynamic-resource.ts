import * as pulumi from '@pulumi/pulumi';
import { PROVIDER_KEY } from '../providers/boundary';

/**
 * A Pulumi dynamic resource of this package: what `pulumi.dynamic.Resource` registers (type token
 * `pulumi-nodejs:dynamic/<module>:<type>`, the inputs as given, the serialized provider as the `__provider` input, run
 * by Pulumi's own dynamic provider host), with the provider given as its serialized text (see provider-reference.ts,
 * which writes it, or has Pulumi's public `pulumi.runtime.serializeFunction` write it).
 *
 * The registered inputs are exactly `props` and `__provider`: nothing is added, moved or renamed (docs/pulumi-state.md).
 * A key of `props` whose value is `undefined` registers nothing but makes an output property of that name (how a
 * subclass declares its outputs). An optional arg a program leaves unset is no key at all ({@link setArgs}): the
 * provider's `check` fills its documented default into the inputs the engine stores.
 */
export class HarborDynamicResource extends pulumi.CustomResource {
  /**
   * @param provider the serialized provider: the text Pulumi's dynamic provider host loads, or a promise of it
   * @param name the resource's name
   * @param props the resource's inputs, and its declared outputs as `undefined`
   * @param opts the resource options
   * @param module the type token's module (`harbor`)
   * @param type the type token's type (`Project`)
   */
  constructor(
    provider: string | Promise<string>,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    if (props[PROVIDER_KEY] !== undefined)
      throw new Error(`A dynamic resource must not define the ${PROVIDER_KEY} key`);
    super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, [PROVIDER_KEY]: provider }, opts);
  }
}

/**
 * The args of `args` that are set: an arg whose value is `undefined` is left out, so it neither registers an input nor
 * makes an output property. Pulumi's SDK makes an output, with its promises, for every key a resource registers
 * (`transferProperties`), whatever its value: a default the provider fills in (`check`) costs nothing here.
 */
export function setArgs(args: Readonly<Record<string, pulumi.Input<unknown>>>): pulumi.Inputs {
  const set: Record<string, pulumi.Input<unknown>> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) set[k] = v;
  return set;
}

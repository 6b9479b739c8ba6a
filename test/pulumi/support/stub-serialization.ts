/**
 * A stand-in for @pulumi/pulumi's closure serializer, for the tests that run the component under mocks: serializing
 * the Harbor dynamic provider takes a second or more per test file and tells those tests nothing (the mock monitor
 * never runs the provider). test/pulumi/serialized-provider.test.ts serializes and runs the real thing.
 *
 * Use in a test file: jest.mock('@pulumi/pulumi/runtime/closure/serializeClosure', () => require('./support/stub-serialization'));
 */

/** The text the stub returns: a valid module whose handler says it is a stand-in. */
export const STUB_PROVIDER_TEXT =
  'exports.handler = () => { throw new Error("stub-serialization: not a real provider"); };\n';

/** Same signature as the real serializeFunction, without the work. */
export async function serializeFunction(): Promise<{ text: string; exportName: string; containsSecrets: boolean }> {
  return { text: STUB_PROVIDER_TEXT, exportName: 'handler', containsSecrets: false };
}

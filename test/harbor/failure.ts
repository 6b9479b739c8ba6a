import { HarborApiError } from '../../lib/harbor';

/** Awaits a call that must fail with a HarborApiError, and returns that error (the test fails otherwise). */
export async function failure(p: Promise<unknown>): Promise<HarborApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HarborApiError);
  return e as HarborApiError;
}

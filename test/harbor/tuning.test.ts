/** The connection tuning rule: one function, used by HarborClient and by the Pulumi component at construction. */
import { HarborClient } from '../../lib/harbor';
import {
  CONNECTION_TUNING,
  CONNECTION_TUNING_KEYS,
  MAX_TIMER_MS,
  connectionTuningProblem,
} from '../../lib/harbor/tuning';

const creds = { url: 'https://r.example.com', username: 'admin', password: 'placeholder-not-a-secret' };

test('defaults and order', () => {
  expect(CONNECTION_TUNING_KEYS).toEqual(['maxRetries', 'timeoutMs', 'retryBaseDelayMs', 'maxRetryDelayMs']);
  expect(CONNECTION_TUNING_KEYS.map((k) => CONNECTION_TUNING[k].defaultValue)).toEqual([3, 30000, 200, 10000]);
});

test.each([
  ['timeoutMs', 0, /whole number >= 1/],
  ['timeoutMs', 1.5, /whole number >= 1/],
  ['timeoutMs', MAX_TIMER_MS + 1, /at most 2147483647 ms/],
  ['maxRetries', -1, /whole number >= 0/],
  ['retryBaseDelayMs', Number.NaN, /whole number >= 0/],
  ['maxRetryDelayMs', '100', /whole number >= 0/],
  ['maxRetryDelayMs', Infinity, /whole number >= 0/],
] as const)('%s %p is refused, by the rule and by the client', (key, value, problem) => {
  expect(connectionTuningProblem(key, value)).toMatch(problem);
  expect(() => new HarborClient({ ...creds, [key]: value })).toThrow(problem);
});

test.each([
  ['timeoutMs', 1],
  ['timeoutMs', MAX_TIMER_MS],
  ['maxRetries', 0],
  ['maxRetries', 10],
  ['retryBaseDelayMs', 0],
  ['maxRetryDelayMs', MAX_TIMER_MS],
] as const)('%s %p is accepted', (key, value) => {
  expect(connectionTuningProblem(key, value)).toBeUndefined();
  expect(new HarborClient({ ...creds, [key]: value })[key]).toBe(value);
});

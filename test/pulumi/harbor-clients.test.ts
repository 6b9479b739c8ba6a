/**
 * The Harbor clients a provider keeps for its process (lib/pulumi/providers/connection.ts `HarborClients`): one per
 * login, so that operations on one Harbor reuse its connections, and a new one for anything that changes the login.
 */
import { HarborClient } from '../../lib/harbor';
import { HarborClients, type HarborLogin, MAX_HARBOR_CLIENTS } from '../../lib/pulumi/providers/connection';

const login: HarborLogin = { url: 'https://reg.harbor.com', username: 'admin', password: 'first-placeholder' };

test('the same login gets the same client; a new password, user, URL, CA or tuning gets its own', () => {
  const clients = new HarborClients();
  const first = clients.of(login);
  expect(first).toBeInstanceOf(HarborClient);
  expect(clients.of({ ...login })).toBe(first);
  const others = [
    { ...login, password: 'second-placeholder' },
    { ...login, username: 'ops' },
    { ...login, url: 'https://harbor.example.org' },
    { ...login, caBundle: '-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n' },
    { ...login, timeoutMs: 5000 },
  ].map((l) => clients.of(l));
  expect(new Set([first, ...others]).size).toBe(6);
  expect(clients.of(login)).toBe(first);
});

test(`beyond ${MAX_HARBOR_CLIENTS} logins, the least recently used client is closed and dropped`, async () => {
  const clients = new HarborClients();
  const made = Array.from({ length: MAX_HARBOR_CLIENTS }, (_, i) => clients.of({ ...login, password: `pw-${i}` }));
  // The first one used again: the second is now the least recently used.
  expect(clients.of({ ...login, password: 'pw-0' })).toBe(made[0]);
  const close = jest.spyOn(made[1], 'close');
  clients.of({ ...login, password: 'one-more' });
  expect(close).toHaveBeenCalledTimes(1);
  expect(clients.of({ ...login, password: 'pw-0' })).toBe(made[0]);
  expect(clients.of({ ...login, password: 'pw-1' })).not.toBe(made[1]);
});

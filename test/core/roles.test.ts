import {
  HARBOR_ROLE_NAMES,
  TERRAFORM_ROLE_NAMES,
  harborRoleId,
  harborRoleName,
  isHarborRoleName,
  roleCanPush,
} from '../../lib/core';

describe('Harbor roles', () => {
  test("ids are Harbor's", () => {
    expect(HARBOR_ROLE_NAMES.map((n) => [n, harborRoleId(n)])).toEqual([
      ['projectAdmin', 1],
      ['developer', 2],
      ['guest', 3],
      ['maintainer', 4],
      ['limitedGuest', 5],
    ]);
    for (const n of HARBOR_ROLE_NAMES) expect(harborRoleName(harborRoleId(n))).toBe(n);
    expect(() => harborRoleName(6)).toThrow(/role_id 6 is unknown/);
  });

  test('push roles and terraform names', () => {
    expect(HARBOR_ROLE_NAMES.filter(roleCanPush)).toEqual(['projectAdmin', 'developer', 'maintainer']);
    expect(TERRAFORM_ROLE_NAMES.limitedGuest).toBe('limitedguest');
    expect(isHarborRoleName('guest')).toBe(true);
    expect(isHarborRoleName('admin')).toBe(false);
    expect(isHarborRoleName('toString')).toBe(false);
  });
});

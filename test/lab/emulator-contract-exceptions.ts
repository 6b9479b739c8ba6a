/**
 * Response statuses a real Harbor sends that its swagger does not declare for the operation. The lab emulator's
 * contract check accepts these, and ONLY these, beyond the declared ones. Keep this list short and explain each
 * entry: anything else the emulator answers must be in the swagger.
 *
 * @see HARBOR-FACTS.md (the team's notes on how Harbor behaves, beside the repository)
 */

/** One accepted, undeclared status. */
export interface UndeclaredStatus {
  /** The HTTP status. */
  readonly status: number;
  /** Swagger `operationId`s it applies to, or `'*'` for every operation. */
  readonly operations: readonly string[] | '*';
  /** Why Harbor sends it although the swagger omits it. */
  readonly reason: string;
}

/** The allow-list. */
export const UNDECLARED_STATUSES: readonly UndeclaredStatus[] = [
  {
    status: 401,
    operations: '*',
    reason:
      'Every operation is under `security: basic` (swagger top level); Harbor answers 401 for missing or bad credentials even where an operation omits 401 (e.g. ListRobot, headProject).',
  },
  {
    status: 403,
    operations: '*',
    reason:
      "Harbor's CSRF middleware rejects writes that carry the `sid` session cookie with 403 on every operation, and RBAC answers 403 to an authenticated principal without the permission (e.g. createProject, headProject omit 403).",
  },
  {
    status: 409,
    operations: ['CreateRobot'],
    reason: 'HARBOR-FACTS: a duplicate robot create answers 409 (unique name in the database); the swagger omits it.',
  },
  {
    status: 404,
    operations: ['getProject', 'createProjectMember', 'deleteProjectMember'],
    reason:
      "Harbor resolves the project first (RequireProjectAccess -> project not found -> 404); createProjectMember also answers 404 'user <name> is not found' for an unknown username (SearchAndOnBoardUser, database auth mode).",
  },
  {
    status: 412,
    operations: ['getCurrentUserInfo'],
    reason:
      'A robot asking who it is: GetCurrentUserInfo answers PreconditionFailed "get current user not available for security context: robot" (server/v2.0/handler/user.go).',
  },
  {
    status: 404,
    operations: ['updateUserPassword'],
    reason:
      "An unknown user id: the handler's getUserByID returns Harbor's NOT_FOUND error (server/v2.0/handler/user.go).",
  },
];

/** The undeclared statuses accepted for `operationId`. */
export function undeclaredStatusesFor(operationId: string): number[] {
  return UNDECLARED_STATUSES.filter((u) => u.operations === '*' || u.operations.includes(operationId)).map(
    (u) => u.status,
  );
}

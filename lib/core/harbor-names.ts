/**
 * Harbor's rules for the names it stores, each written once: lib/core's checks (names.ts) and lib/harbor's client
 * (validate.ts) both use these. No imports, so that the Harbor client, serialized into Pulumi dynamic providers, can
 * carry this file along.
 */

/**
 * Harbor's project name rule (`validProjectName` in src/pkg/project/manager.go, with 1-255 characters checked beside
 * it): lowercase letters and digits separated by single `.`, `_` or `-`. The one copy of the rule in this library:
 * lib/harbor's client checks with it too.
 */
export const HARBOR_PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/**
 * Harbor's robot name rule (`validateName` in src/server/v2.0/handler/robot.go): the same as the project name rule,
 * lowercase letters and digits separated by single `.`, `_` or `-` (no `$`, no `+`, no leading, trailing or doubled
 * separator). Harbor answers anything else with 400 "robot name is not in lower case or contains illegal characters".
 * The one copy of the rule in this library: lib/harbor's client checks with it too.
 */
export const HARBOR_ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

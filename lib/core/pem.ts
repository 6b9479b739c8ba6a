/**
 * The CA-bundle rule: a PEM certificate block, whole. The one copy of the rule for every CA bundle the library takes
 * (the Harbor client's, the pull check's, the Pulumi preflight's). No imports, so that the Harbor client, serialized
 * into Pulumi dynamic providers, can carry this file along.
 */

/** A whole PEM certificate block: `-----BEGIN CERTIFICATE-----`, a body, `-----END CERTIFICATE-----`. */
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** True when `text` holds at least one whole PEM certificate (not a file path, a key, or a cut-off block). */
export function holdsPemCertificate(text: unknown): text is string {
  return typeof text === 'string' && PEM_CERTIFICATE.test(text);
}

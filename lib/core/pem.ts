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

/** A PEM block's opening line, with its label (`CERTIFICATE`, `PRIVATE KEY`, ...). */
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,40})-----/;
/** Text that reads as a file path: one line that starts like a path, or that ends in a certificate file's extension. */
const FILE_PATH = /^(?:(?:\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/])[^\r\n]*|[^\s]+\.(?:pem|crt|cer|cert|ca-bundle))$/i;

/** What a CA bundle that holds no PEM certificate was given as, for an error message. */
export interface NotPemCertificate {
  /**
   * The value to show: a file path as given, other text only by its shape (never in full: it may be long, or a key),
   * e.g. `<text of 42 characters>` or `<PEM PRIVATE KEY block, 1704 characters>`.
   */
  readonly shown: string;
  /** What is wrong with it, beginning with the verb (`is a file path, not PEM text...`). */
  readonly problem: string;
  /** The file path, when the value is one (to put into the fix, e.g. `"$(cat <path>)"`). */
  readonly path?: string;
}

/**
 * Describes a CA bundle that fails {@link holdsPemCertificate}: a file path (the usual mistake: the text of the
 * certificate is wanted, not where it is), a PEM block that is not a certificate (a key), a cut-off certificate, or
 * other text.
 */
export function describeNotPemCertificate(text: string): NotPemCertificate {
  if (text.length <= 4096 && FILE_PATH.test(text.trim())) {
    return {
      shown: text,
      problem:
        'is a file path, not PEM text: the CA bundle is the text of the certificate ("-----BEGIN CERTIFICATE-----..."), which is not read from a file',
      path: text.trim(),
    };
  }
  const size = `${text.length} character${text.length === 1 ? '' : 's'}`;
  const label = PEM_BEGIN.exec(text)?.[1];
  if (label === 'CERTIFICATE') {
    return {
      shown: `<cut-off PEM certificate, ${size}>`,
      problem:
        'holds no whole PEM certificate: the "-----BEGIN CERTIFICATE-----" block is cut off (no "-----END CERTIFICATE-----" after it)',
    };
  }
  if (label !== undefined) {
    return {
      shown: `<PEM ${label} block, ${size}>`,
      problem: `holds no PEM certificate: it is a PEM ${label} block, not the CA's certificate`,
    };
  }
  return { shown: `<text of ${size}>`, problem: 'holds no PEM certificate' };
}

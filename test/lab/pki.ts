/**
 * Per-run key material for the lab's token service: an RSA key and a self-signed certificate.
 *
 * The registry (`auth.token.rootcertbundle`) trusts exactly this certificate, and the token service puts its
 * DER form in every JWT's `x5c` header. Nothing here is a real credential: a fresh key is made on each run and
 * deleted by {@link LabPki.cleanup}.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The key pair and certificate of one lab run. */
export interface LabPki {
  /** PKCS#8 PEM of the RSA private key that signs tokens. */
  readonly keyPem: string;
  /** PEM of the self-signed certificate (what the registry's `rootcertbundle` lists). */
  readonly certPem: string;
  /** Base64 of the certificate's DER bytes: the single entry of a token's `x5c` header. */
  readonly certDerBase64: string;
  /** Temp directory holding `key.pem` and `cert.pem`. */
  readonly dir: string;
  /** Path of `cert.pem` inside {@link LabPki.dir}. */
  readonly certPath: string;
  /** Removes {@link LabPki.dir}. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Options for {@link createPki}. */
export interface CreatePkiOptions {
  /**
   * Subject common name of the certificate.
   * @default 'harbor-private-app-lab-token-signer'
   */
  readonly commonName?: string;
  /**
   * Path of the openssl binary.
   * @default 'openssl' (looked up on PATH)
   */
  readonly openssl?: string;
}

/**
 * Creates a fresh 2048-bit RSA key and a self-signed certificate valid for one day, with the openssl CLI, in a
 * new temp directory.
 */
export async function createPki(opts: CreatePkiOptions = {}): Promise<LabPki> {
  const commonName = opts.commonName ?? 'harbor-private-app-lab-token-signer';
  const openssl = opts.openssl ?? 'openssl';
  const dir = await mkdtemp(join(tmpdir(), 'harbor-lab-pki-'));
  const cleanup = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await execFileAsync(
      openssl,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { timeout: 20_000 },
    );
    const keyPem = await readFile(keyPath, 'utf8');
    const certPem = await readFile(certPath, 'utf8');
    const certDerBase64 = new X509Certificate(certPem).raw.toString('base64');
    return { keyPem, certPem, certDerBase64, dir, certPath, cleanup };
  } catch (err) {
    await cleanup();
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(
      `createPki: openssl could not create the lab's self-signed certificate (${reason}); check that '${openssl}' is installed (apt-get install -y openssl).`,
      { cause: err },
    );
  }
}

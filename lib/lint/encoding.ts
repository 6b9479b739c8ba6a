/**
 * The bytes of a manifest file as kubectl reads them (k8s.io/cli-runtime's FileVisitor, for files and standard
 * input: `unicode.BOMOverride(unicode.UTF8.NewDecoder())` of golang.org/x/text): UTF-8, a UTF-8 byte order mark
 * dropped, and UTF-16 when a UTF-16 byte order mark says so (what Windows PowerShell's `>` writes). BOMOverride knows
 * no UTF-32 mark and kubectl fails on such a file, as on UTF-16 without a mark: both are errors here too, never an
 * empty input.
 */

/** The decoded text, or why the bytes are no text kubectl reads. */
export type DecodedManifest =
  | { readonly text: string; readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { readonly problem: string; readonly fix: string };

const CONVERT = 'save it as UTF-8 (PowerShell: Out-File -Encoding utf8, or Set-Content -Encoding utf8)';

/** Decodes a manifest file's bytes as kubectl does, or says why kubectl cannot read them. */
export function decodeManifestBytes(bytes: Uint8Array): DecodedManifest {
  const b = bytes;
  if (
    (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) ||
    (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
  ) {
    return {
      problem:
        'is UTF-32 (its byte order mark says so), which kubectl cannot read: it reads UTF-8, and UTF-16 with a byte order mark',
      fix: CONVERT,
    };
  }
  if (b[0] === 0xff && b[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(b), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(b), encoding: 'utf-16be' };
  if (Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(0) >= 0) {
    return {
      problem:
        'holds NUL bytes: UTF-16 or UTF-32 without a byte order mark, or no text at all; kubectl cannot read it either',
      fix: CONVERT,
    };
  }
  // TextDecoder drops a UTF-8 byte order mark and, like Go's decoder, turns invalid bytes into U+FFFD.
  return { text: new TextDecoder('utf-8').decode(b), encoding: 'utf-8' };
}

/**
 * Writes a tiny, valid OCI image layout (one config, one gzip tar layer, one manifest) that `skopeo copy
 * oci:DIR:TAG docker://...` can push. Built by hand with node's zlib and a hand-written ustar header, so the lab
 * needs no image from the internet.
 *
 * @see https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A descriptor as the OCI image spec defines it. */
export interface OciDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** What {@link writeOciLayout} wrote. */
export interface OciLayout {
  /** The layout directory (`oci:<dir>:<tag>`). */
  readonly dir: string;
  /** The tag recorded as `org.opencontainers.image.ref.name`. */
  readonly tag: string;
  /** The manifest's descriptor (its digest is what a registry reports for the pushed image). */
  readonly manifest: OciDescriptor;
  /** `oci:<dir>:<tag>`, ready for skopeo. */
  readonly reference: string;
}

/** Options for {@link writeOciLayout}. */
export interface WriteOciLayoutOptions {
  /** Tag to record in `index.json`. */
  readonly tag: string;
  /**
   * Text of the single file in the layer (`/lab.txt`); different text gives a different image digest.
   * @default 'harbor-private-app lab image <tag>\n'
   */
  readonly content?: string;
  /**
   * Directory to write into (created when missing).
   * @default a new temp directory
   */
  readonly dir?: string;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** One ustar header block plus the file data padded to 512 bytes. */
export function tarEntry(name: string, data: Buffer, mtime = 0): Buffer {
  if (Buffer.byteLength(name) > 100)
    throw new Error(`tarEntry: name '${name}' is longer than 100 bytes; use a shorter name.`);
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii');
  };
  const octal = (value: number, length: number): string => value.toString(8).padStart(length - 1, '0') + '\0';
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(data.length, 12));
  field(136, 12, octal(mtime, 12));
  field(148, 8, '        '); // checksum placeholder: 8 spaces while summing
  field(156, 1, '0'); // regular file
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512, 0);
  data.copy(padded);
  return Buffer.concat([header, padded]);
}

/** A complete tar archive (entries + two zero blocks). */
export function tarArchive(files: ReadonlyArray<{ name: string; data: Buffer }>): Buffer {
  return Buffer.concat([...files.map((f) => tarEntry(f.name, f.data)), Buffer.alloc(1024, 0)]);
}

async function writeBlob(dir: string, data: Buffer, mediaType: string): Promise<OciDescriptor> {
  const digest = sha256(data);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  return { mediaType, digest, size: data.length };
}

/** Writes the layout and returns where it is. */
export async function writeOciLayout(opts: WriteOciLayoutOptions): Promise<OciLayout> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(opts.tag)) {
    throw new Error(
      `writeOciLayout: tag '${opts.tag}' is not a valid image tag; use [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.`,
    );
  }
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'harbor-lab-oci-')));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });

  const tar = tarArchive([
    { name: 'lab.txt', data: Buffer.from(opts.content ?? `harbor-private-app lab image ${opts.tag}\n`) },
  ]);
  const layer = await writeBlob(dir, gzipSync(tar, { level: 9 }), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const config = await writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        created: '1970-01-01T00:00:00Z',
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['/lab.txt'] },
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
        history: [{ created: '1970-01-01T00:00:00Z', created_by: 'harbor-private-app test/lab/oci.ts' }],
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = await writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers: [layer],
      }),
    ),
    'application/vnd.oci.image.manifest.v1+json',
  );
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': opts.tag } }],
    }),
  );
  return { dir, tag: opts.tag, manifest, reference: `oci:${dir}:${opts.tag}` };
}

/** Removes a layout directory written by {@link writeOciLayout}. */
export async function removeOciLayout(layout: Pick<OciLayout, 'dir'>): Promise<void> {
  await rm(layout.dir, { recursive: true, force: true });
}

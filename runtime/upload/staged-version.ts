/**
 * What `sir upload` stages, and under which version id. A staged version is a folder of objects
 * `<prefix><version>/<path>` in the staging bucket plus `<prefix><version>/manifest.json`, a store
 * manifest (manifest.ts) listing every staged file with its size and SHA-256. The manifest is
 * uploaded last, so its presence means every file was uploaded; the loader checks each file
 * against it. Its `source.kind` says what the files are:
 *
 * - `index`: the files of a built index; on the loader they become `versions/<version>/` as is;
 * - `corpus`: one `corpus.jsonl` the loader indexes first, with the analyzer options as JSON in
 *   `source.build`.
 *
 * The version id is derived from the content (files, kind, options): a rerun of the same upload
 * names the same version, which is what makes an interrupted upload resumable.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { BuildOptions } from '../engine/index.js';
import {
  MANIFEST_FILE,
  type Manifest,
  type ManifestFile,
  buildManifest,
  createManifest,
  hashFile,
} from '../store/index.js';
import { UploadError } from './upload-error.js';

/** The corpus file name inside a staged `corpus` version. */
export const STAGED_CORPUS_FILE = 'corpus.jsonl';

export type StagedKind = 'index' | 'corpus';

/** Analyzer options that travel with a corpus (BuildOptions without callbacks). */
export type StagedBuildOptions = Omit<BuildOptions, 'onProgress'>;

export interface StagedFile extends ManifestFile {
  /** The local file to upload. */
  local: string;
}

export interface StagedUpload {
  version: string;
  kind: StagedKind;
  manifest: Manifest;
  files: StagedFile[];
}

/** `staging/` + `V/` + `path`. */
export function stagedKey(prefix: string, version: string, file: string): string {
  return `${prefix}${version}/${file}`;
}

/** The key prefix of one staged version. */
export function stagedVersionPrefix(prefix: string, version: string): string {
  return `${prefix}${version}/`;
}

/** `up-` and 16 hex digits of the SHA-256 over kind, options and every file's path, size and digest. */
export function contentVersion(
  kind: StagedKind,
  files: readonly ManifestFile[],
  build?: StagedBuildOptions,
): string {
  const hash = createHash('sha256');
  hash.update(`${kind}\n${build === undefined ? '' : JSON.stringify(build)}\n`);
  for (const f of files) hash.update(`${f.path}\t${f.bytes}\t${f.sha256}\n`);
  return `up-${hash.digest('hex').slice(0, 16)}`;
}

/** Describes a built index folder (the output of `sir index --out`) as a staged version. */
export async function prepareIndexUpload(indexDir: string): Promise<StagedUpload> {
  const dir = path.resolve(indexDir);
  const draft = await createManifest(dir, {
    version: 'pending',
    source: { kind: 'index', index: dir, host: os.hostname() },
  });
  if (draft.files.length === 0)
    throw new UploadError(
      'invalid-option',
      `the index folder ${dir} holds no files; expected the output folder of "sir index --out DIR"`,
    );
  const version = contentVersion('index', draft.files);
  const manifest = buildManifest(draft.files, { version, source: draft.source! });
  return {
    version,
    kind: 'index',
    manifest,
    files: draft.files.map((f) => ({ ...f, local: path.join(dir, ...f.path.split('/')) })),
  };
}

/** Describes a JSONL corpus, to be indexed on the loader with `build`, as a staged version. */
export async function prepareCorpusUpload(
  corpusFile: string,
  build: StagedBuildOptions,
): Promise<StagedUpload> {
  const local = path.resolve(corpusFile);
  const file: ManifestFile = { path: STAGED_CORPUS_FILE, ...(await hashFile(local)) };
  if (file.bytes === 0)
    throw new UploadError(
      'invalid-option',
      `the corpus ${local} is empty; expected JSONL, one document per line`,
    );
  const version = contentVersion('corpus', [file], build);
  const manifest = buildManifest([file], {
    version,
    source: { kind: 'corpus', corpus: local, host: os.hostname(), build: JSON.stringify(build) },
  });
  return { version, kind: 'corpus', manifest, files: [{ ...file, local }] };
}

/** The kind a staged manifest declares (`index` when it declares none). */
export function stagedKind(manifest: Manifest): StagedKind {
  const kind = manifest.source?.kind ?? 'index';
  if (kind !== 'index' && kind !== 'corpus') {
    throw new UploadError(
      'nothing-staged',
      `the staged manifest of version ${manifest.version} declares source.kind "${kind}"; expected "index" or "corpus"`,
    );
  }
  return kind;
}

export { MANIFEST_FILE };

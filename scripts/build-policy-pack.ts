/**
 * `npm run build` writes the CrossGuard policy pack to `dist/policy-pack/`, the folder given to
 * `pulumi preview|up --policy-pack dist/policy-pack`.
 *
 * Why a build: Pulumi starts a Node.js pack through `@pulumi/pulumi/cmd/run-policy-pack`, which
 * `require()`s the pack folder (CommonJS; it registers its own ts-node, and the runtime's
 * `nodeargs` reach that script, not Node), from the pack folder as working directory, where
 * `new PolicyPack` reads a `package.json` with a `version`. The rules are TypeScript in this ES-module
 * package, so they are bundled with `@pulumi/policy` into one CommonJS `index.js`, beside a
 * `package.json` and `PulumiPolicy.yaml`. The Pulumi SDK and its gRPC and protobuf runtime stay
 * external: the runner itself is part of that SDK, resolved from the pack folder by the Pulumi host
 * (this repository's node_modules), and one copy of it per process keeps its message classes one.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_LAMBDA_NODE_MAJOR } from '../infra/lambda-platform.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The folder `--policy-pack` names. */
export const POLICY_PACK_DIR = join(ROOT, 'dist/policy-pack');
/** Packages the Pulumi host's runner brings; never bundled. */
const PROVIDED_BY_RUNNER = ['@pulumi/pulumi', '@grpc/grpc-js', 'google-protobuf'];

const POLICY_PACK_YAML = `# Built by \`npm run build\` (scripts/build-policy-pack.ts) from infra/policies/: do not edit.
# pulumi preview --policy-pack dist/policy-pack   (or pulumi up --policy-pack dist/policy-pack)
description: serverless-ir security rules (network, EFS, EC2, Lambda, IAM, S3, logs)
runtime: nodejs
`;

/** Bundles the pack; returns the size of `index.js` in bytes. */
export async function buildPolicyPack(log: (line: string) => void = console.log): Promise<number> {
  rmSync(POLICY_PACK_DIR, { recursive: true, force: true });
  mkdirSync(POLICY_PACK_DIR, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'infra/policies/index.ts')],
    outfile: join(POLICY_PACK_DIR, 'index.js'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: `node${MIN_LAMBDA_NODE_MAJOR}`,
    external: PROVIDED_BY_RUNNER.flatMap((name) => [name, `${name}/*`]),
    legalComments: 'none',
    logLevel: 'warning',
  });
  const project = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    license: string;
  };
  const manifest = {
    name: 'serverless-ir-policy-pack',
    version: project.version,
    description: 'serverless-ir CrossGuard policy pack (built by npm run build)',
    license: project.license,
    private: true,
    main: 'index.js',
  };
  writeFileSync(join(POLICY_PACK_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(POLICY_PACK_DIR, 'PulumiPolicy.yaml'), POLICY_PACK_YAML);
  const bytes = readFileSync(join(POLICY_PACK_DIR, 'index.js')).length;
  log(`dist/policy-pack: CrossGuard pack ${project.version}, ${(bytes / 1024).toFixed(1)} KiB`);
  return bytes;
}

/**
 * The built policy pack (`npm run build` → dist/policy-pack), started exactly as the Pulumi host
 * starts a Node.js pack (pulumi-language-nodejs `RunPlugin` for kind analyzer): it resolves
 * `@pulumi/pulumi/cmd/run-policy-pack` from the pack folder with `node -e require.resolve(...)`,
 * then runs `node RUNNER [nodeargs...] ENGINE_ADDRESS PACK_DIR` with the pack folder as working
 * directory, and reads the analyzer's gRPC port from its first line of stdout. The test then talks
 * to the pack over gRPC as the engine does: its info, and resources that pass and fail.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { POLICIES } from '../../infra/policies/rules.js';
import { LAMBDA_RUNTIME } from '../../infra/lambda-platform.js';
import { runProgramUnderMocks } from '../../infra/testing/mocks.js';
import { buildPolicyPack, POLICY_PACK_DIR } from '../../scripts/build-policy-pack.js';

const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js');
const analyzerRpc = require('@pulumi/pulumi/proto/analyzer_grpc_pb');
const analyzerProto = require('@pulumi/pulumi/proto/analyzer_pb');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb');

/** `runtime:` of PulumiPolicy.yaml: a name, or a name with `options` (typescript, nodeargs). */
function runtimeOptions(yaml: string): { typescript: boolean; nodeargs: string[] } {
  const nodeargs = /^\s+nodeargs:\s*"?([^"\n]*)"?\s*$/m.exec(yaml)?.[1]?.trim();
  const typescript = /^\s+typescript:\s*false\s*$/m.test(yaml) ? false : true;
  return { typescript, nodeargs: nodeargs ? nodeargs.split(/\s+/) : [] };
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, reply: T) => (err ? reject(err) : resolve(reply))),
  );
}

describe('infra policy pack, started as the Pulumi host starts it', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;
  let client: any;
  let stderr = '';

  before(async () => {
    await buildPolicyPack(() => {});
    const yaml = readFileSync(join(POLICY_PACK_DIR, 'PulumiPolicy.yaml'), 'utf8');
    assert.match(yaml, /^runtime:/m);
    const options = runtimeOptions(yaml);
    // locateModule: resolved from the pack folder, so the pack's own node_modules chain decides.
    const runner = execFileSync(
      process.execPath,
      ['-e', "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"],
      { cwd: POLICY_PACK_DIR, encoding: 'utf8' },
    ).trim();
    child = spawn(process.execPath, [runner, ...options.nodeargs, '127.0.0.1:1', POLICY_PACK_DIR], {
      cwd: POLICY_PACK_DIR,
      env: {
        ...process.env,
        ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: 'true' } : {}),
        PULUMI_NODEJS_PROJECT: 'serverless-ir',
        PULUMI_NODEJS_STACK: 'dev',
        PULUMI_NODEJS_DRY_RUN: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n')[0]!;
        if (out.includes('\n')) resolve(Number(line));
      });
      child!.once('exit', (code) =>
        reject(new Error(`the pack exited with ${code} before printing its port:\n${stderr}`)),
      );
    });
    assert.ok(Number.isInteger(port) && port > 0, `port ${port}`);
    client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill('SIGKILL');
  });

  it('comes up and names itself, its version and every policy, all mandatory', async () => {
    const info = await call<any>(client, 'getAnalyzerInfo', new Empty());
    assert.equal(info.getName(), 'serverless-ir-security');
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    assert.equal(info.getVersion(), version);
    const policies = info.getPoliciesList();
    assert.deepEqual(
      policies.map((p: any) => p.getName()).sort(),
      POLICIES.map((p) => p.name).sort(),
    );
    // EnforcementLevel.MANDATORY in the analyzer protocol.
    for (const p of policies)
      assert.equal(p.getEnforcementlevel(), analyzerProto.EnforcementLevel.MANDATORY);
  });

  const analyze = async (type: string, properties: Record<string, unknown>) => {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(type);
    request.setName('fn');
    request.setUrn(`urn:pulumi:dev::serverless-ir::${type}::fn`);
    request.setProperties(Struct.fromJavaScript(properties));
    request.setOptions(new analyzerProto.AnalyzerResourceOptions()); // the engine always sends them
    const reply = await call<any>(client, 'analyze', request);
    return reply.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}: ${d.getMessage()}`);
  };

  it('reports what the rules find in a resource, and nothing for one that complies', async () => {
    const lambda = 'aws:lambda/function:Function';
    const vpcConfig = { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] };
    const bad = await analyze(lambda, {
      runtime: 'nodejs20.x',
      architectures: ['x86_64'],
      vpcConfig,
    });
    assert.ok(
      bad.some((d: string) => /^lambda-runtime-arm64: .*runtime nodejs20\.x is not/s.test(d)),
      bad.join('\n'),
    );
    assert.ok(
      bad.some((d: string) => /architectures must be \["arm64"\]/.test(d)),
      bad.join('\n'),
    );
    assert.deepEqual(
      await analyze(lambda, { runtime: LAMBDA_RUNTIME, architectures: ['arm64'], vpcConfig }),
      [],
    );
    assert.deepEqual(await analyze('aws:efs/fileSystem:FileSystem', { encrypted: true }), []);
    assert.deepEqual(await analyze('aws:efs/fileSystem:FileSystem', { encrypted: false }), [
      'efs-encrypted: EFS file systems are encrypted at rest.\nEFS file system must set encrypted: true',
    ]);
  });

  it('finds nothing in any resource of an s3 stack with the job pipeline', async () => {
    const run = await runProgramUnderMocks({ preview: false, config: { indexStorage: 's3' } });
    assert.ok(run.resources.some((r) => r.name === 'sir-jobs-reduce'));
    for (const r of run.resources) {
      // What the engine sends: plain JSON properties (undefined ones absent).
      const props = JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown>;
      assert.deepEqual(await analyze(r.type, props), [], `${r.type} ${r.name}`);
    }
  });
});

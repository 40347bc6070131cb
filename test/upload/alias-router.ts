/**
 * What API Gateway and Lambda do for a bundled stack, on this machine: each request resolves the
 * search function's `live` alias (`GetAlias`, from moto) to a version when it starts, and runs in
 * an execution environment of that version: the built search bundle with the version's artifact
 * unpacked — fetched from the staging bucket by its content address and checked against the
 * `CodeSha256` Lambda reports, as Lambda checks what it deploys. Environments are made per version
 * on first use (a cold start) and kept warm; a request started on a version finishes there.
 */
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { ExecutionEnvironments } from '../../runtime/local/environments.js';
import { bundledArtifactKey, LIVE_ALIAS } from '../../runtime/upload/index.js';

export interface AliasRouterOptions {
  lambda: LambdaClient;
  s3: S3Client;
  bucket: string;
  functionName: string;
  /** Where versions are unpacked. */
  dir: string;
}

export class AliasRouter {
  readonly #o: AliasRouterOptions;
  readonly #versions = new Map<string, Promise<ExecutionEnvironments>>();
  /** Lines the environments printed (for a failure's message). */
  readonly output: string[] = [];

  constructor(options: AliasRouterOptions) {
    this.#o = options;
  }

  /** Invokes the alias with `event`; resolves to the version that ran it and its result. */
  async invoke(event: object): Promise<{ functionVersion: string; result: unknown }> {
    const alias = await this.#o.lambda.send(
      new GetAliasCommand({ FunctionName: this.#o.functionName, Name: LIVE_ALIAS }),
    );
    const functionVersion = alias.FunctionVersion!;
    let envs = this.#versions.get(functionVersion);
    if (!envs) {
      envs = this.#deploy(functionVersion);
      this.#versions.set(functionVersion, envs);
    }
    return { functionVersion, result: await (await envs).invoke(event) };
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.#versions.values()].map((p) => p.then((e) => e.close()).catch(() => undefined)),
    );
  }

  async #deploy(functionVersion: string): Promise<ExecutionEnvironments> {
    const config = await this.#o.lambda.send(
      new GetFunctionConfigurationCommand({
        FunctionName: this.#o.functionName,
        Qualifier: functionVersion,
      }),
    );
    const sha = Buffer.from(config.CodeSha256!, 'base64').toString('hex');
    const object = await this.#o.s3.send(
      new GetObjectCommand({ Bucket: this.#o.bucket, Key: bundledArtifactKey(sha) }),
    );
    const zip = await object.Body!.transformToByteArray();
    const actual = createHash('sha256').update(zip).digest('base64');
    if (actual !== config.CodeSha256)
      throw new Error(
        `version ${functionVersion}: artifact SHA-256 ${actual}, Lambda says ${config.CodeSha256}`,
      );
    const root = join(this.#o.dir, `v${functionVersion}`);
    for (const [name, bytes] of Object.entries(unzipSync(zip))) {
      if (name.endsWith('/')) continue;
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), bytes);
    }
    const [handlerFile] = config.Handler!.split('.');
    const envs = new ExecutionEnvironments({
      name: `${this.#o.functionName}:${functionVersion}`,
      module: join(root, `${handlerFile}.mjs`),
      env: {
        ...(config.Environment?.Variables ?? {}),
        LAMBDA_TASK_ROOT: root,
      },
      size: 2,
      timeoutSeconds: config.Timeout ?? 30,
      output: (line) => {
        this.output.push(line);
        if (this.output.length > 200) this.output.shift();
      },
    });
    return envs;
  }
}

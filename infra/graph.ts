/**
 * `npm run infra:graph [-- key=value ...]` — prints, as JSON, every resource the Pulumi program
 * declares (type, name, inputs, parent, dependencies), run under the same mocks as the tests, so
 * anyone can review what `pulumi up` would create without a cloud account or the Pulumi CLI.
 *
 * Config keys are the project's short keys, e.g. `npm run infra:graph -- loaderEnabled=true`.
 * Parents and dependencies are given as `type::name` of the referenced resource.
 */
import { runProgramUnderMocks } from './testing/mocks.js';

function parseArgs(argv: string[]): Record<string, string> {
  const config: Record<string, string> = {};
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`infra:graph: expected key=value, got "${arg}"`);
    config[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return config;
}

/** `urn:pulumi:stack::project::parentType$type::name` → `type::name`. */
function label(urn: string): string {
  if (urn === '') return '';
  const parts = urn.split('::');
  const types = parts[2] ?? '';
  return `${types.split('$').pop()}::${parts.slice(3).join('::')}`;
}

const config = parseArgs(process.argv.slice(2));
const run = await runProgramUnderMocks({ preview: false, config, stack: 'graph' });
const graph = {
  config,
  resourceCount: run.resources.length,
  resources: run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: label(r.parent),
    dependencies: r.dependencies.map(label).sort(),
    inputs: r.inputs,
    ...(r.ignoreChanges.length > 0 ? { ignoreChanges: r.ignoreChanges } : {}),
  })),
  outputs: run.outputs,
};
process.stdout.write(`${JSON.stringify(graph, null, 2)}\n`);

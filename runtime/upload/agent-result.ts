/**
 * What the loader agent reports and how its driver reads it: the agent prints progress lines and,
 * last, one JSON line keyed `sirLoaderAgent` with its result; `sir upload` and
 * `sir rollback --stack` find that line in the output the transport returns. A run that failed,
 * or printed no result line, becomes an `UploadError` quoting what the agent said.
 */
import { AGENT_MESSAGE_PREFIX } from './loader-contract.js';
import type { LoaderResult, LoaderTransport } from './loader-transport.js';
import { UploadError } from './upload-error.js';

export interface AgentResult {
  result: 'published' | 'activated' | 'already-live' | 'rolled-back';
  version: string;
  previous: string | null;
  pruned: string[];
}

const RESULT_KEY = '{"sirLoaderAgent"';

/** The last line the agent prints; its driver finds it by its `sirLoaderAgent` key. */
export function agentResultLine(r: AgentResult): string {
  return JSON.stringify({ sirLoaderAgent: 1, ...r });
}

/** Whether an output line is the agent's result line (not progress for a person). */
export function isAgentResultLine(line: string): boolean {
  return line.startsWith(RESULT_KEY);
}

/** The agent's result from its output, or undefined if it printed none. */
export function parseAgentResult(output: string): AgentResult | undefined {
  for (const line of output.split('\n').reverse()) {
    if (!isAgentResultLine(line)) continue;
    try {
      const { sirLoaderAgent: _, ...r } = JSON.parse(line) as AgentResult & {
        sirLoaderAgent: number;
      };
      return r;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The agent's result, or an error quoting what it said when it failed. */
export function agentOutcome(
  result: LoaderResult,
  transport: LoaderTransport,
  id: string,
): AgentResult {
  const parsed = parseAgentResult(result.output);
  if (result.status === 'Success' && parsed) return parsed;
  const said = [...result.errorOutput.split('\n'), ...result.output.split('\n')]
    .map((l) => l.trim())
    .filter((l) => l.startsWith(AGENT_MESSAGE_PREFIX));
  const reason =
    said.length > 0
      ? said[said.length - 1]!.slice(AGENT_MESSAGE_PREFIX.length).trim()
      : lastLines(result.errorOutput || result.output);
  const exit = result.exitCode !== undefined ? `, exit code ${result.exitCode}` : '';
  throw new UploadError(
    'loader-failed',
    result.status === 'Success'
      ? `the loader agent on ${transport.description} finished but printed no result line; see its output (${transport.followHint(id)})`
      : `the loader agent on ${transport.description} ended with status ${result.status}${exit}: ${reason || 'no output'}`,
  );
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

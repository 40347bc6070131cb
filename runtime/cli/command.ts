/**
 * The shape every `sir` subcommand has. A command only translates: it parses its flags, calls the
 * core functions of `runtime/`, and prints. `main.ts` dispatches to it and turns errors into exit codes.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes. Tests pass their own to capture output. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A subcommand's module; its word and one-line summary are `main.ts`'s table. */
export interface Command {
  /** The full `sir NAME --help` text: usage line, options with defaults, an example. */
  help: string;
  /** Runs the command; resolves to the process exit code. Throws `CliError` for bad usage or input. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A failure the user can fix: printed as `sir NAME: message` without a stack trace. */
export class CliError extends Error {
  /** 2 for bad usage (flags), 1 for bad input or a failed operation. */
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * `util.parseArgs` with errors turned into `CliError` usage errors that name the flag.
 * `--help` is handled by `main.ts` before a command runs.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    const [first] = (err as Error).message.split('\n');
    throw new CliError(first.replace(/^Unknown option/, 'unknown option'), 2);
  }
}

/**
 * `--k1 -1` as `--k1=-1`: `parseArgs` takes a value starting with a dash for a flag and refuses it
 * with a three-line message, while the flag's own check says which values it accepts.
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i])?.[1];
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** Which of the flags declared in `options` were given in `values`, as `--name`. */
export function givenFlags(options: object, values: object): string[] {
  return Object.keys(options)
    .filter((k) => (values as Record<string, unknown>)[k] !== undefined)
    .map((k) => `--${k}`);
}

/** Reads a numeric flag: absent → `fallback`; not a finite number, or outside [min, max] → a usage error. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (
    value.trim() === '' ||
    !Number.isFinite(n) ||
    (integer && !Number.isInteger(n)) ||
    n < min ||
    n > max
  ) {
    const kind = integer ? 'an integer' : 'a number';
    const range = `${Number.isFinite(min) ? ` from ${min}` : ''}${Number.isFinite(max) ? ` to ${max}` : ''}`;
    throw new CliError(`--${flag} must be ${kind}${range}, got "${value}"`, 2);
  }
  return n;
}

/** What a path names, for flags that expect a file or a folder. */
export function kindOfPath(p: string): 'missing' | 'file' | 'folder' | 'inside-a-file' | 'other' {
  const stat = statSync(p, { throwIfNoEntry: false });
  if (stat !== undefined) return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
  // Missing, or under a file (ENOTDIR): the nearest existing ancestor tells which.
  for (let up = dirname(p); ; up = dirname(up)) {
    const ancestor = statSync(up, { throwIfNoEntry: false });
    if (ancestor !== undefined) return ancestor.isDirectory() ? 'missing' : 'inside-a-file';
    if (dirname(up) === up) return 'missing';
  }
}

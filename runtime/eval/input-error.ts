/**
 * The one error type of the evaluation module: a run, a query file or a judgement file that we
 * refuse to read or score. Its message says where (file and line, when there is one), what was
 * wrong, and what is accepted, so that `sir run` / `sir eval` can print it as it is.
 */

/** Where a bad input was found. `line` is 1-based and counts every line, blank ones included. */
export interface InputLocation {
  /** The file as the user named it (or a label such as `"run"` for in-memory input). */
  file?: string;
  line?: number;
}

export class EvalInputError extends Error {
  /** The file the problem is in, when the input came from a file. */
  readonly file: string | undefined;
  /** The 1-based line number, when the problem is on one line. */
  readonly line: number | undefined;

  /**
   * @param problem what was wrong and what is accepted, e.g. `expected "id<TAB>text"`.
   * @param where prefixes the message: `queries.tsv line 4: expected "id<TAB>text"`.
   */
  constructor(problem: string, where: InputLocation = {}) {
    super(prefix(where) + problem);
    this.name = 'EvalInputError';
    this.file = where.file;
    this.line = where.line;
  }
}

function prefix({ file, line }: InputLocation): string {
  if (file !== undefined && line !== undefined) return `${file} line ${line}: `;
  if (file !== undefined) return `${file}: `;
  if (line !== undefined) return `line ${line}: `;
  return '';
}

/**
 * Splits file content into lines, numbered from 1, dropping a leading byte-order mark and the `\r`
 * of CRLF line ends. Blank (whitespace-only) lines are skipped but still counted, so that the
 * numbers in error messages match what an editor shows.
 */
export function* contentLines(content: string): Generator<{ text: string; line: number }> {
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/\r$/, '');
    if (text.trim() === '') continue;
    yield { text, line: i + 1 };
  }
}

/** Quotes a piece of bad input for an error message, shortened so a binary file cannot flood the terminal. */
export function quote(text: string, max = 60): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}

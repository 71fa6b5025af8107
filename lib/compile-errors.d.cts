/** A compile error's place (`file` absolute) and text. */
export interface CompileError {
  readonly file: string;
  readonly line: number | string;
  readonly column: number | string;
  readonly text: string;
}

/** See compile-errors.cjs. */
export function describeCompileErrors(errors: readonly CompileError[], cwd: string): string;

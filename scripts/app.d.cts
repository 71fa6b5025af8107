/** See app.cjs. */
export function ensureSnapshot(
  entry: string,
  options?: { readonly root?: string; readonly outDir?: string },
): Promise<{
  readonly blob: string;
  readonly built: boolean;
  /** Node's arguments that run the entry from the blob; the entry's own go after them. */
  readonly argv: readonly string[];
}>;

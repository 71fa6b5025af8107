/** See app.cjs. */
export function ensureSnapshot(
  entry: string,
  options?: { readonly root?: string; readonly outDir?: string },
): Promise<{ readonly blob: string; readonly built: boolean }>;

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

/**
 * See app.cjs: the vendor script for `packages` (specifiers of installed packages, sorted),
 * from node_modules/.cache/ or bundled.
 */
export function vendorScript(
  esbuild: typeof import("esbuild"),
  root: string,
  packages: readonly string[],
): Promise<string>;

/**
 * See app.cjs: the esbuild plugin that leaves imports of installed packages to the vendor
 * script, adding each specifier to `packages`.
 */
export function packagesToVendor(root: string, packages: Set<string>): import("esbuild").Plugin;

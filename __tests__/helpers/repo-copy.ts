import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(__dirname, "..", "..");

/**
 * A copy of the repository's files (node_modules linked), so a test can break config/*.ts the
 * way a user would and run the real entry points against it without touching the checkout.
 */
export class RepoCopy {
  readonly dir: string;
  private readonly originals = new Map<string, string>();

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "repo-copy-"));
    try {
      this.copyFiles();
    } catch (error) {
      // Outside a git checkout (an exported tree) git cannot list the files.
      this.remove();
      throw error;
    }
  }

  private copyFiles(): void {
    const files = execFileSync(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      {
        cwd: root,
        encoding: "utf8",
      },
    )
      .split("\0")
      .filter((f) => f !== "");
    // One mkdir per directory and a plain file copy: cpSync's per-file checks cost more than
    // the copying, and several tests each make a copy.
    for (const folder of new Set(files.map((f) => dirname(f)))) {
      mkdirSync(join(this.dir, folder), { recursive: true });
    }
    for (const file of files) {
      try {
        copyFileSync(join(root, file), join(this.dir, file));
      } catch {
        // A file git still lists but the worktree has deleted.
      }
    }
    symlinkSync(join(root, "node_modules"), join(this.dir, "node_modules"));
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), "utf8");
  }

  /** Rewrites a file; restore() puts every edited file back. */
  edit(file: string, change: (text: string) => string): void {
    const before = this.read(file);
    if (!this.originals.has(file)) this.originals.set(file, before);
    const after = change(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    writeFileSync(join(this.dir, file), after);
  }

  restore(): void {
    for (const [file, text] of this.originals) writeFileSync(join(this.dir, file), text);
    this.originals.clear();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

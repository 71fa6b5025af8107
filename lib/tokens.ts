// The token module alone, not the "cdktf" index: validation runs whenever config/ loads (CI
// scripts, tests), and the index pulls in ~370 modules. It is the same module instance the index
// uses, so tokens made through `import { Token } from "cdktf"` are recognised here too.
import { Token } from "cdktf/lib/tokens/token";

/** Whether `value` is (or embeds) a token whose value is only known at deploy time. */
export function isUnresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

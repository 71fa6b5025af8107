import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  explainRequest,
  listenerRulesFromStack,
  type ExplainRequest,
  type Explanation,
  type SynthesizedStack,
} from "../lib/route-explainer";

/*
 * `npm run routes -- <env> <path> [--host <host>]`: which service gets a request. Synthesizes
 * the environment into a scratch directory and reads the listener back from the services
 * stack, so the answer is what Terraform would create, not what the config meant.
 */
export const USAGE = "usage: npm run routes -- <env> <path> [--host <host>]";

export interface RoutesArgs extends ExplainRequest {
  /** Environment to synthesize, e.g. "dev". */
  readonly env: string;
}

/** The command line, or what is wrong with it. */
export function parseRoutesArgs(argv: readonly string[]): RoutesArgs | { readonly error: string } {
  const positional: string[] = [];
  let host: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--host") {
      host = argv[++i];
      if (host === undefined || host.startsWith("--") || host === "") {
        return { error: `--host needs a host name, e.g. --host admin.example.com\n${USAGE}` };
      }
    } else if (arg.startsWith("--")) {
      return { error: `unknown option ${arg}\n${USAGE}` };
    } else {
      positional.push(arg);
    }
  }
  const [env, path, ...extra] = positional;
  if (env === undefined || path === undefined) {
    return { error: `missing ${env === undefined ? "<env> and <path>" : "<path>"}\n${USAGE}` };
  }
  if (extra.length > 0) return { error: `unexpected argument ${extra[0]}\n${USAGE}` };
  if (!path.startsWith("/")) {
    return { error: `<path> must start with "/" (got ${JSON.stringify(path)})\n${USAGE}` };
  }
  return { env, path, host };
}

/** One line, e.g. "GET /api/users -> api (rule 110: path /api/*)". */
export function formatExplanation(request: ExplainRequest, result: Explanation): string {
  const target = `${request.host ?? ""}${request.path}`;
  const why =
    result.decidedBy === "rule"
      ? `rule ${result.rule?.priority ?? "?"}: ${result.matched ?? ""}`
      : result.decidedBy === "default"
        ? "listener default"
        : "no rule matched and the listener has no default service";
  const line = `GET ${target} -> ${result.outcome} (${why})`;
  return result.warning === undefined ? line : `${line}\nwarning: ${result.warning}`;
}

/** The answer for one request, from a synthesized services stack's listener and rules. */
export function explainInStack(json: SynthesizedStack, request: ExplainRequest): string {
  const routing = listenerRulesFromStack(json);
  const result = explainRequest(
    routing.rules,
    routing.defaultService,
    request,
    routing.defaultAction,
  );
  return formatExplanation(request, result);
}

/** The services stack's directory under `<outdir>/stacks`, if the synth produced one. */
export function servicesStackDir(outdir: string): string | undefined {
  const name = readdirSync(join(outdir, "stacks")).find((s) => s.endsWith("-services"));
  return name === undefined ? undefined : join(outdir, "stacks", name);
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseRoutesArgs(argv);
  if ("error" in args) {
    console.error(args.error);
    return 1;
  }
  const outdir = mkdtempSync(join(tmpdir(), "routes-"));
  try {
    // Loaded here so that importing this module (tests of the pure parts) builds no app.
    const [{ createApp }, { loadConfig }] = await Promise.all([
      import("../main"),
      import("../config"),
    ]);
    const known = Object.keys(loadConfig().environments);
    if (!known.includes(args.env)) {
      console.error(`unknown environment ${JSON.stringify(args.env)}; known: ${known.join(", ")}`);
      return 1;
    }
    createApp({ outdir, environments: args.env }).app.synth();
    const stackDir = servicesStackDir(outdir);
    if (stackDir === undefined) {
      const stacks = readdirSync(join(outdir, "stacks")).join(", ");
      console.error(`environment ${args.env} has no services stack (synthesized: ${stacks})`);
      return 1;
    }
    const json = JSON.parse(
      readFileSync(join(stackDir, "cdk.tf.json"), "utf8"),
    ) as SynthesizedStack;
    console.log(explainInStack(json, args));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

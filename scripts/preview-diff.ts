import { FORCE_NEW, isStateful } from "./preview-force-new";

/*
 * The offline change preview: what `terraform plan` will propose, told from two synthesized
 * outputs alone (no credentials, no state). Resources are matched by address, following the
 * current output's `moved` blocks; a stateful resource is replaced when an argument the
 * provider marks ForceNew changes (preview-force-new.ts) or refers to a resource that is
 * replaced, and destroyed when its address disappears.
 */

/** The parts of a stack's cdk.tf.json the preview reads. */
export interface StackDocument {
  readonly resource?: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>
  >;
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
}

export type Action = "create" | "delete" | "update" | "replace";

export interface ResourceChange {
  readonly stack: string;
  /** Address in the current output (the baseline's for a delete). */
  readonly address: string;
  readonly type: string;
  /** Construct path, e.g. `platform-prod-network/network/vpc`. */
  readonly path: string;
  readonly action: Action;
  /** Losing this resource loses data. */
  readonly stateful: boolean;
  /** Why: the arguments that force the replacement, or what changed. */
  readonly reasons: readonly string[];
  /** The baseline protects it with lifecycle.prevent_destroy: Terraform will refuse the plan. */
  readonly preventDestroy: boolean;
}

export interface StackReport {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly changes: readonly ResourceChange[];
}

export interface PreviewReport {
  readonly stacks: readonly StackReport[];
  /** Stateful destroys and replacements nobody acknowledged: the preview fails on these. */
  readonly blocking: readonly ResourceChange[];
  /** Stateful destroys and replacements acknowledged in config or by flag. */
  readonly acknowledged: readonly ResourceChange[];
  /** Acknowledgements that match no change (remove them once the change is applied). */
  readonly unusedAcknowledgements: readonly string[];
}

interface Entry {
  readonly type: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

function entries(doc: StackDocument | undefined): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [type, byName] of Object.entries(doc?.resource ?? {})) {
    for (const [name, body] of Object.entries(byName))
      out.set(`${type}.${name}`, { type, name, body });
  }
  return out;
}

function pathOf(entry: Entry): string {
  const meta = entry.body["//"] as { metadata?: { path?: string } } | undefined;
  return meta?.metadata?.path ?? `${entry.type}.${entry.name}`;
}

/** The body without cdktf's metadata, for comparison. */
function comparable(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== "//"));
}

/** Canonical JSON: object keys sorted, so key order is never a change. */
function canonical(value: unknown, set = false): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return `[${(set ? [...items].sort() : items).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const short = (value: unknown) => {
  const text = value === undefined ? "(unset)" : canonical(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function changedKeys(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  sets: readonly string[],
): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => canonical(before[k], sets.includes(k)) !== canonical(after[k], sets.includes(k)))
    .sort();
}

function preventsDestroy(entry: Entry): boolean {
  const lifecycle = entry.body.lifecycle as { prevent_destroy?: boolean } | undefined;
  return lifecycle?.prevent_destroy === true;
}

/** Compares one stack present in both outputs. */
export function diffStack(
  stack: string,
  baseline: StackDocument,
  current: StackDocument,
): ResourceChange[] {
  const before = entries(baseline);
  const after = entries(current);
  const moved = new Map((current.moved ?? []).map((m) => [m.from, m.to]));
  const changes = new Map<string, ResourceChange>();
  /** Current address -> baseline entry, for resources present in both. */
  const kept = new Map<string, Entry>();

  for (const [address, old] of before) {
    const target = moved.get(address) ?? address;
    const now = after.get(target);
    if (now === undefined || now.type !== old.type) {
      changes.set(`-${address}`, {
        stack,
        address,
        type: old.type,
        path: pathOf(old),
        action: "delete",
        stateful: isStateful(old.type),
        reasons: [
          moved.has(address)
            ? `moved to ${target}, which does not exist`
            : "its address is gone (renamed construct id without a moved block, or removed from config)",
        ],
        preventDestroy: preventsDestroy(old),
      });
      continue;
    }
    kept.set(target, old);
  }
  for (const [address, now] of after) {
    if (kept.has(address)) continue;
    changes.set(address, {
      stack,
      address,
      type: now.type,
      path: pathOf(now),
      action: "create",
      stateful: isStateful(now.type),
      reasons: [],
      preventDestroy: false,
    });
  }

  // Replacements: a ForceNew argument changed, or refers to something that is replaced.
  const replaced = new Set<string>(
    [...changes.values()].filter((c) => c.action === "delete").map((c) => c.address),
  );
  const direct = new Map<string, string[]>();
  for (const [address, old] of kept) {
    const now = after.get(address);
    if (now === undefined) continue;
    const spec = FORCE_NEW[now.type] as (typeof FORCE_NEW)[string] | undefined;
    if (spec === undefined) continue;
    const reasons = spec.arguments
      .filter((arg) => {
        const isSet = spec.sets?.includes(arg) ?? false;
        return canonical(old.body[arg], isSet) !== canonical(now.body[arg], isSet);
      })
      .map(
        (arg) => `${arg}: ${short(old.body[arg])} -> ${short(now.body[arg])} (forces replacement)`,
      );
    if (reasons.length > 0) {
      direct.set(address, reasons);
      replaced.add(address);
    }
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const address of kept.keys()) {
      if (replaced.has(address)) continue;
      const now = after.get(address);
      const spec =
        now === undefined
          ? undefined
          : (FORCE_NEW[now.type] as (typeof FORCE_NEW)[string] | undefined);
      if (now === undefined || spec === undefined) continue;
      for (const arg of spec.arguments) {
        const text = canonical(now.body[arg]);
        const culprit = [...replaced].find((r) => text.includes(`\${${r}.`));
        if (culprit === undefined) continue;
        direct.set(address, [
          `${arg} refers to ${culprit}, which is replaced or destroyed (forces replacement)`,
        ]);
        replaced.add(address);
        grew = true;
        break;
      }
    }
  }

  for (const [address, old] of kept) {
    const now = after.get(address);
    if (now === undefined) continue;
    const force = direct.get(address);
    const sets = (FORCE_NEW[now.type] as (typeof FORCE_NEW)[string] | undefined)?.sets ?? [];
    const diff = changedKeys(comparable(old.body), comparable(now.body), sets);
    const renamed = address !== `${old.type}.${old.name}`;
    if (force === undefined && diff.length === 0 && !renamed) continue;
    changes.set(address, {
      stack,
      address,
      type: now.type,
      path: pathOf(now),
      action: force === undefined ? "update" : "replace",
      stateful: isStateful(now.type),
      reasons: force ?? [
        ...(renamed ? [`moved from ${old.type}.${old.name}`] : []),
        ...(diff.length > 0 ? [`changes ${diff.join(", ")}`] : []),
      ],
      preventDestroy: preventsDestroy(old),
    });
  }
  const order: Record<Action, number> = { delete: 0, replace: 1, update: 2, create: 3 };
  return [...changes.values()].sort(
    (a, b) => order[a.action] - order[b.action] || a.address.localeCompare(b.address),
  );
}

/** Whether an acknowledgement (`*`, a construct path or `<stack>/<address>`) covers a change. */
function covers(ack: string, change: ResourceChange): boolean {
  return ack === "*" || ack === change.path || ack === `${change.stack}/${change.address}`;
}

export function isDangerous(change: ResourceChange): boolean {
  return change.stateful && (change.action === "delete" || change.action === "replace");
}

/**
 * The preview of every stack: stacks only in the baseline are reported as removed (cdktf no
 * longer deploys them; their resources stay until someone destroys them by hand).
 */
export function preview(
  baseline: Readonly<Record<string, StackDocument>>,
  current: Readonly<Record<string, StackDocument>>,
  acknowledgements: readonly string[] = [],
): PreviewReport {
  const ids = [...new Set([...Object.keys(baseline), ...Object.keys(current)])].sort();
  const stacks: StackReport[] = ids.map((stack) => {
    const before = baseline[stack] as StackDocument | undefined;
    const after = current[stack] as StackDocument | undefined;
    if (after === undefined) return { stack, status: "removed", changes: [] };
    const changes = diffStack(stack, before ?? {}, after);
    return {
      stack,
      status: before === undefined ? "added" : changes.length > 0 ? "changed" : "unchanged",
      changes,
    };
  });
  const dangerous = stacks.flatMap((s) => s.changes).filter(isDangerous);
  const acknowledged = dangerous.filter((c) => acknowledgements.some((a) => covers(a, c)));
  return {
    stacks,
    blocking: dangerous.filter((c) => !acknowledged.includes(c)),
    acknowledged,
    unusedAcknowledgements: acknowledgements.filter(
      (a) => a !== "*" && !dangerous.some((c) => covers(a, c)),
    ),
  };
}

const SYMBOL: Record<Action, string> = { create: "+", delete: "-", update: "~", replace: "-/+" };

function counts(changes: readonly ResourceChange[]): string {
  const n = (a: Action) => changes.filter((c) => c.action === a).length;
  return `${n("create")} to add, ${n("update")} to change, ${n("replace")} to replace, ${n("delete")} to destroy`;
}

/** Plain text for the terminal. */
export function renderText(report: PreviewReport): string {
  const lines: string[] = [];
  for (const s of report.stacks) {
    if (s.status === "unchanged") continue;
    if (s.status === "removed") {
      lines.push(
        `${s.stack}: REMOVED from the synthesized output; nothing destroys its resources (destroy them by hand if meant)`,
      );
      continue;
    }
    lines.push(`${s.stack}${s.status === "added" ? " (new stack)" : ""}: ${counts(s.changes)}`);
    for (const c of s.changes) {
      const flag = isDangerous(c)
        ? report.acknowledged.includes(c)
          ? "  [stateful, acknowledged]"
          : "  [STATEFUL DATA LOSS]"
        : "";
      const guard =
        isDangerous(c) && c.preventDestroy ? " (prevent_destroy: apply will refuse)" : "";
      lines.push(`  ${SYMBOL[c.action].padEnd(3)} ${c.address}  ${c.path}${flag}${guard}`);
      for (const r of c.reasons) lines.push(`        ${r}`);
    }
  }
  if (lines.length === 0) lines.push("No changes in the synthesized output.");
  lines.push("");
  lines.push(verdict(report));
  for (const a of report.unusedAcknowledgements)
    lines.push(
      `note: acknowledgement ${JSON.stringify(a)} matches no destroy or replacement; remove it`,
    );
  return lines.join("\n");
}

function verdict(report: PreviewReport): string {
  if (report.blocking.length === 0) {
    return report.acknowledged.length === 0
      ? "OK: no stateful resource is destroyed or replaced."
      : `OK: ${report.acknowledged.length} stateful destroy/replacement(s), all acknowledged.`;
  }
  return (
    `FAILED: ${report.blocking.length} stateful resource(s) would be destroyed or replaced:\n` +
    report.blocking.map((c) => `  ${c.action.toUpperCase()} ${c.path} (${c.address})`).join("\n") +
    "\nIf this is intended, acknowledge each one in environments.<env>.acknowledgedReplacements" +
    " (construct path and reason) or run with --acknowledge <construct path>."
  );
}

/** Markdown for the GitHub job summary. */
export function renderMarkdown(report: PreviewReport): string {
  const out: string[] = ["## Change preview", ""];
  out.push(
    report.blocking.length > 0
      ? `:red_circle: **${report.blocking.length} stateful resource(s) would be destroyed or replaced.**`
      : ":green_circle: No unacknowledged destroy or replacement of a stateful resource.",
    "",
  );
  if (report.blocking.length > 0) {
    out.push("| action | resource | stack | why |", "| --- | --- | --- | --- |");
    for (const c of report.blocking)
      out.push(
        `| **${c.action}** | \`${c.path}\` | ${c.stack} | ${c.reasons.join("; ").replace(/\|/g, "\\|")}${c.preventDestroy ? " (prevent_destroy: apply will refuse)" : ""} |`,
      );
    out.push("");
  }
  if (report.acknowledged.length > 0) {
    out.push("Acknowledged:", ...report.acknowledged.map((c) => `- ${c.action} \`${c.path}\``), "");
  }
  out.push(
    "| stack | status | add | change | replace | destroy |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const s of report.stacks) {
    const n = (a: Action) => s.changes.filter((c) => c.action === a).length;
    out.push(
      `| ${s.stack} | ${s.status} | ${n("create")} | ${n("update")} | ${n("replace")} | ${n("delete")} |`,
    );
  }
  out.push(
    "",
    "<details><summary>Every change</summary>",
    "",
    "```",
    renderText(report),
    "```",
    "</details>",
    "",
  );
  return out.join("\n");
}

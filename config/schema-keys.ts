import type { z } from "zod";
import { editDistance } from "./aws-catalog/regions";
import { show } from "../lib/validation";

/*
 * What a strict object accepts, read from the schema itself, so an unrecognized key is answered
 * with the settings that do exist there (and, in a discriminated union, with the form the key
 * belongs to) instead of zod's bare "Unrecognized key".
 */
type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef;

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def: Def = current._zod.def;
    if (
      def.type === "optional" ||
      def.type === "default" ||
      def.type === "prefault" ||
      def.type === "nullable"
    ) {
      current = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === "pipe") {
      current = (def as z.core.$ZodPipeDef).in;
    } else return current;
  }
}

interface Form {
  readonly shape: Readonly<Record<string, Schema>>;
  /** `engine "postgres"`: the discriminator that chose this form, if a union did. */
  readonly label?: string;
  /** The union's other forms, for "only with ..." hints. */
  readonly others: readonly { readonly label: string; readonly keys: readonly string[] }[];
}

function literalOf(schema: Schema | undefined): unknown {
  if (schema === undefined) return undefined;
  const def = unwrap(schema)._zod.def;
  return def.type === "literal"
    ? (def as z.core.$ZodLiteralDef<z.core.util.Literal>).values[0]
    : undefined;
}

/** The object form at `schema` for `input`, resolving a discriminated union by its input. */
function formOf(schema: Schema, input: unknown): Form | undefined {
  const s = unwrap(schema);
  const def = s._zod.def;
  if (def.type === "object") return { shape: (def as z.core.$ZodObjectDef).shape, others: [] };
  if (def.type !== "union") return undefined;
  const union = def as z.core.$ZodDiscriminatedUnionDef;
  const disc = union.discriminator as string | undefined;
  if (disc === undefined) return undefined;
  const forms = union.options.flatMap((o) => {
    const f = formOf(o, input);
    return f === undefined ? [] : [{ ...f, value: literalOf(f.shape[disc]) }];
  });
  const chosen = forms.find((f) => f.value === record(input)?.[disc]);
  if (chosen === undefined) return undefined;
  const label = (value: unknown) => `${disc} ${show(value)}`;
  return {
    shape: chosen.shape,
    label: label(chosen.value),
    others: forms
      .filter((f) => f !== chosen)
      .map((f) => ({ label: label(f.value), keys: Object.keys(f.shape) })),
  };
}

function childOf(schema: Schema, key: string | number, input: unknown): Schema | undefined {
  const s = unwrap(schema);
  const def = s._zod.def;
  if (def.type === "array") return (def as z.core.$ZodArrayDef).element;
  if (def.type === "record") return (def as z.core.$ZodRecordDef).valueType;
  const form = formOf(s, input);
  return typeof key === "string" ? form?.shape[key] : undefined;
}

/** The schema and input at `path` of `root`, or undefined where the walk cannot follow. */
function schemaAt(
  root: Schema,
  rootInput: unknown,
  path: readonly (string | number)[],
): { schema: Schema; input: unknown } | undefined {
  let schema: Schema | undefined = root;
  let input: unknown = rootInput;
  for (const part of path) {
    schema = schema === undefined ? undefined : childOf(schema, part, input);
    input = (record(input) ?? (Array.isArray(input) ? input : undefined))?.[part as never];
    if (schema === undefined) return undefined;
  }
  return { schema, input };
}

/** A short description of one union option: its literal, or its object's settings. */
function describeOption(option: Schema): string {
  const s = unwrap(option);
  const def = s._zod.def;
  if (def.type === "literal") return show(literalOf(s));
  if (def.type === "object")
    return `{ ${Object.keys((def as z.core.$ZodObjectDef).shape).join(", ")} }`;
  return def.type;
}

/** What each option of the union at `path` looks like, in order; undefined if it is no union. */
export function unionFormsAt(
  root: Schema,
  rootInput: unknown,
  path: readonly (string | number)[],
): string[] | undefined {
  const at = schemaAt(root, rootInput, path);
  if (at === undefined) return undefined;
  const def = unwrap(at.schema)._zod.def;
  if (def.type !== "union") return undefined;
  return (def as z.core.$ZodUnionDef).options.map(describeOption);
}

/**
 * Why `key` is refused at `path` of `root`, with what is allowed there; undefined when the
 * schema cannot say (the caller keeps zod's message).
 */
export function unknownKeyMessage(
  root: Schema,
  rootInput: unknown,
  path: readonly (string | number)[],
  key: string,
): string | undefined {
  const at = schemaAt(root, rootInput, path);
  if (at === undefined) return undefined;
  const recordDef = unwrap(at.schema)._zod.def;
  if (recordDef.type === "record") {
    // A record with a fixed key set (z.partialRecord(z.enum([...]), ...)).
    const keyDef = unwrap((recordDef as z.core.$ZodRecordDef).keyType)._zod.def;
    if (keyDef.type !== "enum") return undefined;
    const keys = Object.values((keyDef as z.core.$ZodEnumDef).entries).map(String);
    const lower = key.toLowerCase();
    const close = keys.filter(
      (k) => editDistance(k.toLowerCase(), lower) <= 3 || k.toLowerCase().startsWith(lower),
    );
    return (
      `${show(key)} is not a key here` +
      (close.length > 0 ? `; did you mean ${close.map((k) => show(k)).join(" or ")}?` : "") +
      ` Allowed keys: ${keys.join(", ")} (a misspelt key is never ignored)`
    );
  }
  const form = formOf(at.schema, at.input);
  if (form === undefined) return undefined;
  const keys = Object.keys(form.shape);
  const elsewhere = form.others.filter((o) => o.keys.includes(key)).map((o) => o.label);
  if (elsewhere.length > 0) {
    return `${show(key)} is not a setting with ${form.label ?? "this form"}; it applies only with ${elsewhere.join(" or ")} (settings here: ${keys.join(", ")})`;
  }
  const close = keys.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return (
    `${show(key)} is not a setting here` +
    (close.length > 0 ? `; did you mean ${close.map((k) => show(k)).join(" or ")}?` : "") +
    ` Settings here: ${keys.join(", ")} (a misspelt or misplaced setting is never ignored)`
  );
}

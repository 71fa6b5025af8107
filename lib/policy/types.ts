/** A synthesized stack as the policy checks read it (cdk.tf.json, tokens resolved). */
export type Body = Record<string, unknown>;
export interface StackJson {
  readonly resource?: Record<string, Record<string, Body>>;
  readonly data?: Record<string, Record<string, Body>>;
}

/** One resource of the stack, with the names people use for it. */
export interface ResourceView {
  /** Terraform address, e.g. `aws_s3_bucket.state_bucket_803B4E61`. */
  readonly address: string;
  /** Construct path, e.g. `platform-dev-bootstrap/state/bucket` (stable, readable). */
  readonly path: string;
  readonly type: string;
  readonly body: Body;
}

export interface Violation {
  /** Rule id, e.g. `S3-PUBLIC-ACCESS`. */
  readonly rule: string;
  /** The offending resource. */
  readonly resource: ResourceView;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

export interface PolicyContext {
  /** Every resource of the stack. */
  readonly resources: readonly ResourceView[];
  /** `data` blocks by address (policy documents). */
  readonly data: ReadonlyMap<string, Body>;
  /** Production environments get the data-safety rules. */
  readonly production: boolean;
}

export interface PolicyRule {
  /** Stable id used in messages and exceptions. */
  readonly id: string;
  /** What the rule checks. */
  readonly title: string;
  /** Why it matters. */
  readonly why: string;
  readonly check: (ctx: PolicyContext) => Violation[];
}

/** A deliberate, documented exception to one rule for one resource. */
export interface PolicyException {
  /** Rule id. */
  readonly rule: string;
  /** Construct path of the resource (as printed in the violation). */
  readonly resource: string;
  /** Why the exception is acceptable; listed in every synth summary. */
  readonly reason: string;
}

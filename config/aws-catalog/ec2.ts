import { editDistance } from "./regions";

/*
 * EC2 instance types the DCV gateway and agents may use: current-generation general purpose,
 * compute, memory and GPU families, one family per line with its sizes in ascending order.
 *
 * Source: Amazon EC2 "Instance types" documentation
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html) and its
 * accelerated-computing specifications. Checked 2026-12-03: the GPU families DCV agents use
 * (g4dn, g4ad, g5, g5g, g6, g6e, gr6) and their sizes. Not verified in that check: the sizes of
 * the general purpose, compute and memory families (as remembered; metal sizes left out on
 * purpose), and per-region availability (`aws ec2 describe-instance-type-offerings --region <r>`).
 * A type outside this list is refused with the family's sizes; add it here after checking it.
 */
const sizes = (list: string): readonly string[] => list.split(" ");

const BURST = sizes("nano micro small medium large xlarge 2xlarge");
const STD = sizes("large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge");
const STD24 = [...STD, "24xlarge"];
const STD32 = [...STD24, "32xlarge"];
const STD48 = [...STD24, "48xlarge"];
const GRAVITON = ["medium", ...STD];

const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  t3: BURST,
  t3a: BURST,
  t4g: BURST,
  m5: STD24,
  m5a: STD24,
  m6a: [...STD32, "48xlarge"],
  m6g: GRAVITON,
  m6i: STD32,
  m7a: [...GRAVITON, "24xlarge", "32xlarge", "48xlarge"],
  m7g: GRAVITON,
  m7i: STD48,
  m8g: [...GRAVITON, "24xlarge", "48xlarge"],
  c5: sizes("large xlarge 2xlarge 4xlarge 9xlarge 12xlarge 18xlarge 24xlarge"),
  c6a: [...STD32, "48xlarge"],
  c6g: GRAVITON,
  c6i: STD32,
  c7a: [...GRAVITON, "24xlarge", "32xlarge", "48xlarge"],
  c7g: GRAVITON,
  c7i: STD48,
  c8g: [...GRAVITON, "24xlarge", "48xlarge"],
  r5: STD24,
  r6a: [...STD32, "48xlarge"],
  r6g: GRAVITON,
  r6i: STD32,
  r7g: GRAVITON,
  r7i: STD48,
  r8g: [...GRAVITON, "24xlarge", "48xlarge"],
  g4dn: sizes("xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
  g4ad: sizes("xlarge 2xlarge 4xlarge 8xlarge 16xlarge"),
  g5: sizes("xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
  g5g: sizes("xlarge 2xlarge 4xlarge 8xlarge 16xlarge"),
  g6: sizes("xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
  g6e: sizes("xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
  gr6: sizes("4xlarge 8xlarge"),
};

export const EC2_INSTANCE_TYPES: readonly string[] = Object.entries(FAMILIES).flatMap(
  ([family, list]) => list.map((size) => `${family}.${size}`),
);

export function isEc2InstanceType(name: string): boolean {
  return EC2_INSTANCE_TYPES.includes(name);
}

/** What the family offers, or close spellings, for a refusal message. */
export function instanceTypeHint(name: string): string {
  const family = name.split(".")[0];
  const offered = FAMILIES[family] as readonly string[] | undefined;
  if (offered !== undefined) return `${family} comes in ${offered.join(", ")}`;
  const close = EC2_INSTANCE_TYPES.filter((t) => editDistance(t, name) <= 2);
  return (
    (close.length > 0 ? `did you mean ${close.join(" or ")}? ` : "") +
    `families: ${Object.keys(FAMILIES).join(", ")} (config/aws-catalog/ec2.ts)`
  );
}

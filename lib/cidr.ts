/**
 * IPv4 CIDR arithmetic used to carve subnets and to validate configuration before anything
 * is created. Addresses are held as unsigned 32-bit integers.
 */
export interface Ipv4Block {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why a string is not a usable CIDR block, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = CIDR_PATTERN.exec(text);
  if (!m) return "not in a.b.c.d/n form";
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return "an octet is above 255";
  const prefix = Number(m[5]);
  if (prefix > 32) return "the prefix length is above 32";
  const address = toUint(octets);
  // AWS rejects blocks with host bits set; say so rather than silently normalising.
  if ((address & maskOf(prefix)) >>> 0 !== address) {
    return `host bits are set (the network address is ${formatIpv4((address & maskOf(prefix)) >>> 0)}/${prefix})`;
  }
  return undefined;
}

/** Parses a CIDR block; throws when cidrProblem() reports one. */
export function parseCidr(text: string): Ipv4Block {
  const problem = cidrProblem(text);
  if (problem !== undefined) throw new Error(`"${text}" is not a valid IPv4 CIDR: ${problem}`);
  const m = CIDR_PATTERN.exec(text) as RegExpExecArray;
  return { network: toUint(m.slice(1, 5).map(Number)), prefix: Number(m[5]) };
}

export function formatCidr(block: Ipv4Block): string {
  return `${formatIpv4(block.network)}/${block.prefix}`;
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.network >= outer.network &&
    inner.network + blockSize(inner.prefix) <= outer.network + blockSize(outer.prefix)
  );
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  const aEnd = a.network + blockSize(a.prefix);
  const bEnd = b.network + blockSize(b.prefix);
  return a.network < bEnd && b.network < aEnd;
}

/** Rounds `offset` (relative to a block start) up to the next multiple of a /prefix. */
export function alignUp(offset: number, prefix: number): number {
  const size = blockSize(prefix);
  return Math.ceil(offset / size) * size;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function toUint(octets: readonly number[]): number {
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

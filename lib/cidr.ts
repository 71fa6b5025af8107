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

const ADDRESS_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR_PATTERN = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\/(\d{1,2})$/;

/**
 * Why a string is not a dotted-quad IPv4 address, or undefined when it is one. The one
 * address rule of the platform: every address and CIDR in the configuration is checked here.
 */
export function ipv4Problem(text: string): string | undefined {
  const m = ADDRESS_PATTERN.exec(text);
  if (!m) return "not in a.b.c.d form";
  const octets = m.slice(1, 5);
  if (octets.some((o) => Number(o) > 255)) return "an octet is above 255";
  // inet_aton (and tools built on it) read "010" as octal 8 while AWS and nginx read decimal
  // 10, so the same text would name different hosts; refuse it rather than guess.
  const padded = octets.find((o) => o.length > 1 && o.startsWith("0"));
  if (padded !== undefined) {
    return `the octet ${JSON.stringify(padded)} has a leading zero, which some tools read as octal; write it as ${String(Number(padded))}`;
  }
  return undefined;
}

/** Parses a dotted-quad address to an unsigned 32-bit integer; throws when ipv4Problem() reports one. */
export function parseIpv4(text: string): number {
  const problem = ipv4Problem(text);
  if (problem !== undefined) throw new Error(`"${text}" is not a valid IPv4 address: ${problem}`);
  return toUint(text.split(".").map(Number));
}

/** Why a string is not a usable CIDR block, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = CIDR_PATTERN.exec(text);
  if (!m) return "not in a.b.c.d/n form";
  const addressProblem = ipv4Problem(m[1]);
  if (addressProblem !== undefined) return addressProblem;
  const prefix = Number(m[2]);
  if (m[2].length > 1 && m[2].startsWith("0")) {
    return `the prefix length ${JSON.stringify(m[2])} has a leading zero; write it as ${String(prefix)}`;
  }
  if (prefix > 32) return "the prefix length is above 32";
  const address = parseIpv4(m[1]);
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
  return { network: parseIpv4(m[1]), prefix: Number(m[2]) };
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

/** The dotted-quad text of an unsigned 32-bit address. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

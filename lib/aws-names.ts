/** Rules AWS applies to names, checked at synth so they fail before a plan ever runs. */

/** Why S3 would reject a general purpose bucket name, or undefined when it accepts it. */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return "may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit";
  }
  if (name.includes("..")) return "must not contain two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name))
    return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    return "must not end with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)";
  }
  return undefined;
}

/** The AZ name pattern of a region, e.g. ap-northeast-1a for ap-northeast-1. */
export function isAzOfRegion(az: string, region: string): boolean {
  return az.length === region.length + 1 && az.startsWith(region) && /[a-z]$/.test(az);
}

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SelfSignedCert {
  /** PEM certificate file; also usable as the CA that trusts it. */
  readonly certPath: string;
  /** PEM private key file. */
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * A throwaway self-signed certificate for CN=localhost, valid for one day. A P-256 key: the
 * gateway's TLS does not depend on the key type, and an RSA key costs far more CPU to make.
 */
export async function selfSignedCert(dir: string, name: string): Promise<SelfSignedCert> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await run(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { timeout: 20_000 },
  );
  return {
    certPath,
    keyPath,
    cert: await readFile(certPath, "utf8"),
    key: await readFile(keyPath, "utf8"),
  };
}

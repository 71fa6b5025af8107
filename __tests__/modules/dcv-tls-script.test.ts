import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tlsScript, type GatewayTlsSource } from "../../modules/dcv/user-data";

/*
 * Runs the gateway's TLS script for real (sh, openssl, python3) against a stand-in `aws` CLI
 * that keeps one secret in a directory with Secrets Manager's semantics: no value until the
 * first put, and a put with a request token that already holds another value is refused.
 */
const FAKE_AWS = `#!/bin/sh
set -eu
store="$FAKE_SECRET_STORE"
echo "$*" >> "$store/calls"
op="$2"; shift 2
token=""; value=""
while [ $# -gt 0 ]; do
  case "$1" in
    --client-request-token) token="$2"; shift 2 ;;
    --secret-string) value="\${2#file://}"; shift 2 ;;
    *) shift ;;
  esac
done
case "$op" in
  get-secret-value)
    if [ -f "$store/value" ]; then cat "$store/value"; exit 0; fi
    echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" >&2
    exit 254 ;;
  put-secret-value)
    tmp="$store/offer.$$"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["certificate"] and d["privateKey"]' "$value"
    cp "$value" "$tmp"
    # ln is atomic: exactly one offer becomes the value.
    if ln "$tmp" "$store/value" 2>/dev/null; then echo "$token" > "$store/token"; rm -f "$tmp"; exit 0; fi
    rm -f "$tmp"
    if [ "$(cat "$store/token")" = "$token" ] && cmp -s "$value" "$store/value"; then exit 0; fi
    echo "An error occurred (ResourceExistsException) when calling the PutSecretValue operation: You can't modify an existing version, you can only create a new version." >&2
    exit 254 ;;
esac
exit 2
`;

const tools = ["sh", "openssl", "python3"].every(
  (t) => spawnSync("sh", ["-c", `command -v ${t}`]).status === 0,
);
const inCi = (process.env.CI ?? "") !== "" && process.env.CI !== "false";

describe.skipIf(!tools && !inCi)("gateway TLS script (real sh, openssl, python3)", () => {
  const root = mkdtempSync(join(tmpdir(), "dcv-tls-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "aws"), FAKE_AWS);
  chmodSync(join(bin, "aws"), 0o755);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  let n = 0;
  /** A fresh secret store and a gateway host layout for `gateways` gateways. */
  function scenario(generateIfEmpty: boolean, gateways: number) {
    const dir = join(root, `case-${n++}`);
    const store = join(dir, "secret");
    const tmp = join(dir, "tmp");
    mkdirSync(store, { recursive: true });
    mkdirSync(tmp);
    const hosts = Array.from({ length: gateways }, (_, i) => {
      const tls: GatewayTlsSource = {
        region: "ap-northeast-1",
        secretId: "acme-test-dcv-gateway-tls",
        generateIfEmpty,
        commonName: "acme-test-dcv-gateway",
        certificatePath: join(dir, `gw${i}`, "tls", "gateway.crt"),
        keyPath: join(dir, `gw${i}`, "tls", "gateway.key"),
      };
      const script = join(dir, `gw${i}.sh`);
      writeFileSync(script, tlsScript(tls));
      return { tls, script };
    });
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      FAKE_SECRET_STORE: store,
      TMPDIR: tmp,
    };
    const run = (script: string) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn("sh", [script], { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
        child.once("exit", (code) => {
          resolve({ code: code ?? -1, stderr });
        });
      });
    const calls = () => {
      try {
        return readFileSync(join(store, "calls"), "utf8").trim().split("\n");
      } catch {
        return [];
      }
    };
    return { hosts, run, calls, store, tmp };
  }

  it("concurrent first boots all install the one certificate that was kept, key 0600", async () => {
    const s = scenario(true, 4);
    const results = await Promise.all(s.hosts.map((h) => s.run(h.script)));
    for (const r of results) expect(r).toEqual({ code: 0, stderr: "" });
    const certs = s.hosts.map((h) => readFileSync(h.tls.certificatePath, "utf8"));
    const keys = s.hosts.map((h) => readFileSync(h.tls.keyPath, "utf8"));
    expect(new Set(certs).size).toBe(1);
    expect(new Set(keys).size).toBe(1);
    const stored = JSON.parse(readFileSync(join(s.store, "value"), "utf8")) as {
      certificate: string;
      privateKey: string;
    };
    expect(certs[0]).toBe(stored.certificate);
    expect(keys[0]).toBe(stored.privateKey);
    const subject = spawnSync(
      "openssl",
      ["x509", "-noout", "-subject", "-in", s.hosts[0].tls.certificatePath],
      {
        encoding: "utf8",
      },
    );
    expect(subject.stdout).toContain("acme-test-dcv-gateway");
    for (const h of s.hosts) {
      expect(statSync(h.tls.keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(h.tls.certificatePath).mode & 0o777).toBe(0o644);
    }
    // Nothing is left behind in the temp directory (no stray secret copies).
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it("installs an existing value without generating or writing anything", async () => {
    const s = scenario(true, 1);
    const issued = { certificate: "-----BEGIN CERTIFICATE-----\nissued\n", privateKey: "key\n" };
    writeFileSync(join(s.store, "value"), JSON.stringify(issued));
    expect(await s.run(s.hosts[0].script)).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(s.hosts[0].tls.certificatePath, "utf8")).toBe(issued.certificate);
    expect(s.calls().every((c) => c.startsWith("secretsmanager get-secret-value"))).toBe(true);
  });

  it("with a named (issued) secret, fails loudly when it has no value and never offers one", async () => {
    const s = scenario(false, 1);
    const result = await s.run(s.hosts[0].script);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("ResourceNotFoundException");
    expect(s.calls().some((c) => c.includes("put-secret-value"))).toBe(false);
    expect(() => statSync(s.hosts[0].tls.keyPath)).toThrow();
    expect(readdirSync(s.tmp)).toEqual([]);
  });
});

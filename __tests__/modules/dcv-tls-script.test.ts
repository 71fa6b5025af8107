import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  refreshScript,
  tlsScript,
  TLS_SCRIPT_PATH,
  type GatewayTlsSource,
} from "../../modules/dcv/user-data";

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

/**
 * The python3 PATH finds, resolved once to the interpreter itself and linked into a case's
 * `bin`: a version manager's shim there (pyenv's) runs a shell and the manager on every call,
 * about twice python's own start-up, and the scripts here call python3 some twenty times. The
 * scripts still run that same interpreter.
 */
const python = tools
  ? spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
      encoding: "utf8",
    }).stdout.trim()
  : "";
const linkPython = (bin: string) => {
  if (python !== "") symlinkSync(python, join(bin, "python3"));
};

describe.skipIf(!tools && !inCi)("gateway TLS script (real sh, openssl, python3)", () => {
  const root = mkdtempSync(join(tmpdir(), "dcv-tls-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "aws"), FAKE_AWS);
  chmodSync(join(bin, "aws"), 0o755);
  linkPython(bin);
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

/*
 * The refresh script on a running gateway, with the real TLS script it calls, the same
 * stand-in `aws`, and stand-ins for `nginx -t` (its verdict set per case) and `systemctl`.
 */
describe.skipIf(!tools && !inCi)("gateway certificate refresh (real sh, openssl, python3)", () => {
  const root = mkdtempSync(join(tmpdir(), "dcv-refresh-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "aws"), FAKE_AWS);
  writeFileSync(
    join(bin, "nginx"),
    `#!/bin/sh\necho "nginx $*" >> "$FAKE_SECRET_STORE/calls"\nif [ "$FAKE_NGINX_OK" = 1 ]; then exit 0; fi\necho "nginx: [emerg] SSL_CTX_use_PrivateKey failed (key values mismatch)" >&2\nexit 1\n`,
  );
  writeFileSync(
    join(bin, "systemctl"),
    `#!/bin/sh\necho "systemctl $*" >> "$FAKE_SECRET_STORE/calls"\n`,
  );
  for (const t of ["aws", "nginx", "systemctl"]) chmodSync(join(bin, t), 0o755);
  linkPython(bin);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /**
   * A self-signed pair from the real openssl, valid now or (expired) only in 2020. P-256 keys:
   * the refresh script never looks at the key type, and an RSA key costs far more CPU to make.
   */
  function pair(cn: string, expired = false): { certificate: string; privateKey: string } {
    const dir = mkdtempSync(join(root, "pair-"));
    const openssl = (...args: string[]) => {
      const r = spawnSync("openssl", args, { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    };
    const [key, crt] = [join(dir, "k"), join(dir, "c")];
    if (!expired) {
      openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "30",
        "-subj",
        `/CN=${cn}`,
        "-keyout",
        key,
        "-out",
        crt,
      );
    } else {
      // openssl 3.0's req has no end-date option; a one-off CA signs with explicit dates.
      writeFileSync(join(dir, "index.txt"), "");
      writeFileSync(join(dir, "serial"), "01\n");
      writeFileSync(
        join(dir, "ca.cnf"),
        `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}\nserial = ${dir}/serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n`,
      );
      const req = join(dir, "r");
      openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        `/CN=${cn}`,
        "-keyout",
        key,
        "-out",
        req,
      );
      openssl(
        "ca",
        "-batch",
        "-config",
        join(dir, "ca.cnf"),
        "-selfsign",
        "-keyfile",
        key,
        "-in",
        req,
        "-out",
        crt,
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20200102000000Z",
      );
    }
    return { certificate: readFileSync(crt, "utf8"), privateKey: readFileSync(key, "utf8") };
  }
  const first = pair("first");
  const renewed = pair("renewed");

  let n = 0;
  /** A booted gateway holding `first`, whose secret now holds `secretValue`. */
  function gateway(secretValue: { certificate: string; privateKey: string }) {
    const dir = join(root, `gw-${n++}`);
    const store = join(dir, "secret");
    const tmp = join(dir, "tmp");
    mkdirSync(store, { recursive: true });
    mkdirSync(tmp);
    mkdirSync(join(dir, "tls"));
    const tls: GatewayTlsSource = {
      region: "ap-northeast-1",
      secretId: "acme-test-dcv-gateway-tls",
      generateIfEmpty: false,
      commonName: "acme-test-dcv-gateway",
      certificatePath: join(dir, "tls", "gateway.crt"),
      keyPath: join(dir, "tls", "gateway.key"),
    };
    writeFileSync(tls.certificatePath, first.certificate, { mode: 0o644 });
    writeFileSync(tls.keyPath, first.privateKey, { mode: 0o600 });
    writeFileSync(join(store, "value"), JSON.stringify(secretValue));
    // The refresh script calls the TLS script by its installed path; point it at this copy.
    const tlsPath = join(dir, "dcv-gateway-tls");
    writeFileSync(tlsPath, tlsScript(tls), { mode: 0o700 });
    const script = join(dir, "refresh.sh");
    writeFileSync(script, refreshScript(tls).split(TLS_SCRIPT_PATH).join(tlsPath));
    const run = (nginxOk: boolean) =>
      spawnSync("sh", [script], {
        encoding: "utf8",
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH ?? ""}`,
          FAKE_SECRET_STORE: store,
          FAKE_NGINX_OK: nginxOk ? "1" : "0",
          TMPDIR: tmp,
        },
      });
    const calls = () =>
      readFileSync(join(store, "calls"), "utf8")
        .trim()
        .split("\n")
        .filter((c) => !c.startsWith("secretsmanager"));
    const installed = () => ({
      certificate: readFileSync(tls.certificatePath, "utf8"),
      privateKey: readFileSync(tls.keyPath, "utf8"),
    });
    return { tls, run, calls, installed, tmp };
  }

  it("does nothing when the secret still holds the installed certificate", () => {
    const g = gateway(first);
    const r = g.run(true);
    expect(r.status, r.stderr).toBe(0);
    expect(g.calls()).toEqual([]);
    expect(g.installed()).toEqual(first);
  });

  it("installs a renewed certificate, checks it with nginx -t, then reloads nginx", () => {
    const g = gateway(renewed);
    const r = g.run(true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("installed the renewed certificate");
    expect(g.installed()).toEqual(renewed);
    expect(g.calls()).toEqual(["nginx -t", "systemctl reload nginx"]);
    expect(statSync(g.tls.keyPath).mode & 0o777).toBe(0o600);
    expect(readdirSync(g.tmp)).toEqual([]);
  });

  it("keeps the certificate in use when nginx -t refuses the new pair", () => {
    const g = gateway(renewed);
    const r = g.run(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("key values mismatch");
    expect(r.stderr).toContain("nginx -t refused the new certificate; kept the certificate in use");
    expect(g.installed()).toEqual(first);
    expect(g.calls()).toEqual(["nginx -t"]);
    expect(statSync(g.tls.keyPath).mode & 0o777).toBe(0o600);
  });

  it("refuses an expired certificate before nginx sees it", () => {
    const g = gateway(pair("expired", true));
    const r = g.run(true);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the new certificate is expired or not a certificate");
    expect(g.installed()).toEqual(first);
    expect(g.calls()).toEqual([]);
  });

  it("refuses a value that is not a certificate before nginx sees it", () => {
    const g = gateway({ certificate: "not a certificate\n", privateKey: renewed.privateKey });
    const r = g.run(true);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the new certificate is expired or not a certificate");
    expect(g.installed()).toEqual(first);
    expect(g.calls()).toEqual([]);
  });

  it("keeps the certificate in use when the secret cannot be read", () => {
    const g = gateway(renewed);
    rmSync(join(g.tls.certificatePath, "..", "..", "secret", "value"));
    const r = g.run(true);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("could not read the certificate secret");
    expect(g.installed()).toEqual(first);
  });
});

/**
 * Cloud-init user data for a gateway: installs nginx and the tools the TLS step uses, writes
 * the generated configuration and two scripts, then runs the start script, which installs the
 * fleet's certificate and starts nginx only if `nginx -t` accepts the file. Emitted as JSON
 * (valid YAML) so no value can break the document's quoting; it holds no Terraform references
 * (agents have fixed addresses, the secret is named), so it is complete, testable text at synth.
 */
export interface GatewayUserDataProps {
  /** The complete nginx.conf. */
  readonly nginxConfig: string;
  /** How the gateway gets the fleet's certificate. */
  readonly tls: GatewayTlsSource;
}

/** The fleet certificate's secret as the boot script sees it. */
export interface GatewayTlsSource {
  /** Region of the secret. */
  readonly region: string;
  /** Secret ARN or name with `{"certificate": "<PEM>", "privateKey": "<PEM>"}`. */
  readonly secretId: string;
  /**
   * When the secret has no value yet, offer a self-signed certificate for it (the first offer
   * is kept, every gateway installs the kept one). Only for the secret this stack creates.
   */
  readonly generateIfEmpty: boolean;
  /** Common name of a generated certificate. */
  readonly commonName: string;
  /** Certificate path nginx reads (from the generated config). */
  readonly certificatePath: string;
  /** Key path nginx reads. */
  readonly keyPath: string;
}

export const TLS_SCRIPT_PATH = "/usr/local/sbin/dcv-gateway-tls";
export const START_SCRIPT_PATH = "/usr/local/sbin/dcv-gateway-start";
/** Outside /etc/nginx, which the nginx package owns: no ordering against the package needed. */
export const STAGED_CONFIG_PATH = "/etc/dcv-gateway/nginx.conf";
/** What the scripts call; the start script refuses to go on when one is missing. */
export const GATEWAY_PACKAGES = ["nginx", "openssl", "awscli-2", "python3"] as const;
const GATEWAY_COMMANDS = ["nginx", "openssl", "aws", "python3"] as const;

/**
 * Secrets Manager keeps the first value put with a given request token and refuses any other
 * value with the same token (ResourceExistsException), so concurrent first boots agree.
 */
export const OFFER_TOKEN = "dcv-gateway-fleet-certificate-v1";

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The script that installs the fleet's certificate (exported so tests can run it). */
export function tlsScript(t: GatewayTlsSource): string {
  const offer = t.generateIfEmpty
    ? [
        "if ! fetch; then",
        [
          'grep -q ResourceNotFoundException "$work/err" || { cat "$work/err" >&2; exit 1; }',
          "# No value yet: offer one. Only the first offer is kept; everyone installs that one.",
          `openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj ${quote(`/CN=${t.commonName}`)} -keyout "$work/offer.key" -out "$work/offer.crt" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }`,
          `python3 -c 'import json,sys; print(json.dumps({"certificate": open(sys.argv[1]).read(), "privateKey": open(sys.argv[2]).read()}))' "$work/offer.crt" "$work/offer.key" > "$work/offer.json"`,
          `aws secretsmanager put-secret-value --region "$region" --secret-id "$secret" --client-request-token ${OFFER_TOKEN} --secret-string "file://$work/offer.json" >/dev/null 2>"$work/err" || grep -q ResourceExistsException "$work/err" || { cat "$work/err" >&2; exit 1; }`,
          'fetch || { cat "$work/err" >&2; exit 1; }',
        ],
        "fi",
      ]
    : ['fetch || { cat "$work/err" >&2; exit 1; }'];
  const lines = [
    "#!/bin/sh",
    "# Installs the certificate every gateway of the fleet presents, from Secrets Manager.",
    "set -eu",
    "umask 077",
    `region=${quote(t.region)}`,
    `secret=${quote(t.secretId)}`,
    `crt=${quote(t.certificatePath)}`,
    `key=${quote(t.keyPath)}`,
    "work=$(mktemp -d)",
    `trap 'rm -rf "$work"' EXIT`,
    "fetch() {",
    [
      `aws secretsmanager get-secret-value --region "$region" --secret-id "$secret" --query SecretString --output text > "$work/secret.json" 2>"$work/err"`,
    ],
    "}",
    ...offer,
    'install -d -m 0755 "$(dirname "$crt")"',
    'install -d -m 0700 "$(dirname "$key")"',
    // Written under umask 077, then moved into place: the key is never readable by others.
    `python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2],"w").write(d["certificate"]); open(sys.argv[3],"w").write(d["privateKey"])' "$work/secret.json" "$work/crt" "$work/key"`,
    'chmod 0600 "$work/key"',
    'chmod 0644 "$work/crt"',
    'mv -f "$work/key" "$key"',
    'mv -f "$work/crt" "$crt"',
    "",
  ];
  return flatten(lines).join("\n");
}

function startScript(): string {
  return [
    "#!/bin/sh",
    "# Runs from runcmd, after cloud-init's package step; stops loudly if that step did not run.",
    "set -eu",
    `for tool in ${GATEWAY_COMMANDS.join(" ")}; do`,
    '  command -v "$tool" >/dev/null 2>&1 || { echo "dcv-gateway: $tool is not installed; refusing to start" >&2; exit 1; }',
    "done",
    TLS_SCRIPT_PATH,
    `install -m 0644 -o root -g root ${STAGED_CONFIG_PATH} /etc/nginx/nginx.conf`,
    // A configuration nginx rejects must never be started.
    "nginx -t",
    "systemctl enable --now nginx",
    "",
  ].join("\n");
}

/** The cloud-config document. */
export function gatewayCloudConfig(p: GatewayUserDataProps): string {
  const doc = {
    packages: [...GATEWAY_PACKAGES],
    write_files: [
      {
        path: STAGED_CONFIG_PATH,
        owner: "root:root",
        permissions: "0644",
        content: p.nginxConfig,
      },
      {
        path: TLS_SCRIPT_PATH,
        owner: "root:root",
        permissions: "0700",
        content: tlsScript(p.tls),
      },
      {
        path: START_SCRIPT_PATH,
        owner: "root:root",
        permissions: "0700",
        content: startScript(),
      },
    ],
    runcmd: [[START_SCRIPT_PATH]],
  };
  return `#cloud-config\n${JSON.stringify(doc, null, 2)}\n`;
}

type Line = string | Line[];
function flatten(lines: readonly Line[], indent = ""): string[] {
  return lines.flatMap((l) => (typeof l === "string" ? [indent + l] : flatten(l, indent + "  ")));
}

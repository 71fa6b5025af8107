/**
 * Cloud-init user data for a gateway: installs nginx and the tools the TLS step uses, writes
 * the generated configuration, the scripts and a systemd timer, then runs the start script,
 * which installs the fleet's certificate, starts nginx only if `nginx -t` accepts the file and
 * starts the timer that installs a renewed certificate on the running gateway. Emitted as JSON
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
export const REFRESH_SCRIPT_PATH = "/usr/local/sbin/dcv-gateway-cert-refresh";
/** systemd unit (and timer) that re-reads the secret on running gateways. */
export const REFRESH_UNIT = "dcv-gateway-cert-refresh";
/**
 * How often a running gateway re-reads the secret. A renewed certificate is live on every
 * gateway within this period plus the randomized delay, without replacing instances; one
 * GetSecretValue per gateway per period costs next to nothing.
 */
export const REFRESH_EVERY = "1h";
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

/**
 * Re-installs the certificate when the secret holds a new one and reloads nginx. A new pair
 * that is already expired or that `nginx -t` refuses (key mismatch, bad PEM) is rolled back,
 * so a bad put into the secret never takes a serving gateway down; the unit then fails and
 * the journal says why.
 */
export function refreshScript(t: GatewayTlsSource): string {
  return [
    "#!/bin/sh",
    "# Installs a renewed fleet certificate on a running gateway; keeps the old one on any doubt.",
    "set -eu",
    "umask 077",
    `crt=${quote(t.certificatePath)}`,
    `key=${quote(t.keyPath)}`,
    "old=$(mktemp -d)",
    `trap 'rm -rf "$old"' EXIT`,
    'cp -p "$crt" "$old/crt"',
    'cp -p "$key" "$old/key"',
    "restore() {",
    '  mv -f "$old/key" "$key"',
    '  mv -f "$old/crt" "$crt"',
    '  echo "dcv-gateway: $1; kept the certificate in use" >&2',
    "  exit 1",
    "}",
    `${TLS_SCRIPT_PATH} || restore "could not read the certificate secret"`,
    'if cmp -s "$crt" "$old/crt" && cmp -s "$key" "$old/key"; then exit 0; fi',
    'openssl x509 -noout -checkend 0 -in "$crt" >/dev/null 2>&1 || restore "the new certificate is expired or not a certificate"',
    'nginx -t 2>"$old/err" || { cat "$old/err" >&2; restore "nginx -t refused the new certificate"; }',
    "systemctl reload nginx",
    'echo "dcv-gateway: installed the renewed certificate and reloaded nginx"',
    "",
  ].join("\n");
}

function refreshService(): string {
  return [
    "[Unit]",
    "Description=Install a renewed DCV gateway certificate from Secrets Manager",
    "After=network-online.target nginx.service",
    "Wants=network-online.target",
    "ConditionPathExists=/etc/nginx/nginx.conf",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${REFRESH_SCRIPT_PATH}`,
    "",
  ].join("\n");
}

function refreshTimer(): string {
  return [
    "[Unit]",
    "Description=Check the DCV gateway certificate secret for a renewed certificate",
    "",
    "[Timer]",
    `OnBootSec=${REFRESH_EVERY}`,
    `OnUnitActiveSec=${REFRESH_EVERY}`,
    // Gateways of one fleet do not all reload in the same second.
    "RandomizedDelaySec=10min",
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
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
    "systemctl daemon-reload",
    `systemctl enable --now ${REFRESH_UNIT}.timer`,
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
      {
        path: REFRESH_SCRIPT_PATH,
        owner: "root:root",
        permissions: "0700",
        content: refreshScript(p.tls),
      },
      {
        path: `/etc/systemd/system/${REFRESH_UNIT}.service`,
        owner: "root:root",
        permissions: "0644",
        content: refreshService(),
      },
      {
        path: `/etc/systemd/system/${REFRESH_UNIT}.timer`,
        owner: "root:root",
        permissions: "0644",
        content: refreshTimer(),
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

/**
 * Cloud-init user data for a gateway: installs nginx, writes the generated configuration and
 * the TLS material, then starts nginx only if `nginx -t` accepts the file. Emitted as JSON
 * (valid YAML) so no value can break the document's quoting; it holds no Terraform references
 * (agents have fixed addresses), so it is complete, testable text at synth.
 */
export interface GatewayUserDataProps {
  /** The complete nginx.conf. */
  readonly nginxConfig: string;
  /** Region of the TLS secret. */
  readonly region: string;
  /**
   * Secrets Manager secret with `certificate` and `privateKey` (PEM).
   * @default none: a self-signed certificate is made at boot
   */
  readonly tlsSecretArn?: string;
  /** Certificate path nginx reads (from the generated config). */
  readonly certificatePath: string;
  /** Key path nginx reads. */
  readonly keyPath: string;
}

export const TLS_SCRIPT_PATH = "/usr/local/sbin/dcv-gateway-tls";

function tlsScript(p: GatewayUserDataProps): string {
  const fetch =
    p.tlsSecretArn === undefined
      ? [
          "# No certificate configured: a per-instance self-signed one (clients must trust or pin it).",
          `openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=dcv-gateway -keyout "$key" -out "$crt"`,
        ]
      : [
          `aws secretsmanager get-secret-value --region ${p.region} --secret-id '${p.tlsSecretArn}' --query SecretString --output text > "$tmp"`,
          `python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2],"w").write(d["certificate"]); open(sys.argv[3],"w").write(d["privateKey"])' "$tmp" "$crt" "$key"`,
          `rm -f "$tmp"`,
        ];
  return [
    "#!/bin/sh",
    "set -eu",
    "umask 077",
    `crt='${p.certificatePath}'`,
    `key='${p.keyPath}'`,
    "tmp=$(mktemp)",
    'install -d -m 0750 "$(dirname "$crt")" "$(dirname "$key")"',
    ...fetch,
    'chown root:nginx "$key" "$crt"',
    'chmod 0640 "$key"',
    'chmod 0644 "$crt"',
    "",
  ].join("\n");
}

/** The cloud-config document (before Terraform resolves references in it). */
export function gatewayCloudConfig(p: GatewayUserDataProps): string {
  const doc = {
    packages: ["nginx"],
    // Deferred: written after the nginx package, which would otherwise own nginx.conf.
    write_files: [
      {
        path: "/etc/nginx/nginx.conf",
        owner: "root:root",
        permissions: "0644",
        defer: true,
        content: p.nginxConfig,
      },
      {
        path: TLS_SCRIPT_PATH,
        owner: "root:root",
        permissions: "0700",
        defer: true,
        content: tlsScript(p),
      },
    ],
    // One shell line: a configuration nginx rejects must never be started.
    runcmd: [[TLS_SCRIPT_PATH], ["sh", "-c", "nginx -t && systemctl enable --now nginx"]],
  };
  return `#cloud-config\n${JSON.stringify(doc, null, 2)}\n`;
}

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Names } from "../../lib/names";
import { DcvGateway, type DcvGatewayProps, type DcvSettings } from "../../modules/dcv";
import { renderNginxConfig } from "../../modules/dcv/nginx-gateway";
import { nginxConfigFor } from "../../modules/dcv/validate";
import { synthConstruct } from "../helpers/synth";
import { bodies, byPath, only, refTo, type Block, type TfJson } from "../helpers/tf";
import { onPath } from "../helpers/workflow-steps";

const names = new Names({ project: "acme", environment: "test" });
const settings: DcvSettings = {
  agents: [
    { name: "agent1", address: "10.150.248.180", webUrlPath: "/agent1/" },
    {
      name: "desk1",
      instance: { instanceType: "g4dn.xlarge", amiParameter: "/acme/dcv/ami", rootVolumeGb: 100 },
    },
    {
      name: "desk2",
      instance: { instanceType: "g4dn.xlarge", amiParameter: "/acme/dcv/ami", rootVolumeGb: 100 },
    },
  ],
  listenPort: 8443,
  healthPort: 8081,
  proxyProtocol: true,
  affinity: "client-ip",
  nlbIdleTimeoutSeconds: 3600,
  readTimeoutSeconds: 3600,
  sendTimeoutSeconds: 3600,
  verifyAgentTls: false,
  gateway: {
    instanceType: "t3.small",
    architecture: "x86_64",
    minSize: 2,
    maxSize: 4,
    rootVolumeGb: 8,
    tls: { source: "self-signed", reason: "test environment without a CA" },
  },
  endpointService: {
    allowedPrincipals: ["arn:aws:iam::333333333333:root"],
    acceptanceRequired: true,
  },
  consumer: { vpcId: "self", clientCidrs: ["10.99.0.0/16"] },
};
const base: Omit<DcvGatewayProps, "settings"> = {
  names,
  account: "123456789012",
  region: "ap-northeast-1",
  vpcId: "vpc-1",
  vpcCidr: "10.50.0.0/16",
  privateSubnetIds: ["subnet-a", "subnet-c"],
  privateSubnetCidrs: ["10.50.0.0/20", "10.50.16.0/20"],
  externalCidrs: ["10.150.248.0/24"],
  endpointSecurityGroupId: "sg-endpoints",
};

function synth(overrides: Partial<DcvSettings> = {}, props: Partial<DcvGatewayProps> = {}): TfJson {
  return synthConstruct(
    (stack) =>
      new DcvGateway(stack, "dcv", { ...base, ...props, settings: { ...settings, ...overrides } }),
  );
}

const json = synth();
/** An issued certificate, as production requires. */
const issued: Partial<DcvSettings> = {
  gateway: {
    ...settings.gateway,
    tls: {
      source: "secret",
      secretArn: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dcv-tls-AbCdEf",
    },
  },
};
const sgId = (j: TfJson, suffix: string) =>
  refTo(j, "aws_security_group", byPath(j, "aws_security_group", suffix), "id");
/** The allow statements of one instance role's grants policy. */
const grants = (j: TfJson, role: string): unknown =>
  Object.entries(j.data?.aws_iam_policy_document ?? {}).find(([k]) =>
    k.startsWith(`dcv_${role}_grants_`),
  )?.[1].statement;
const userDataOf = (j: TfJson) =>
  Buffer.from(String(only(j, "aws_launch_template").user_data), "base64").toString("utf8");

describe("DcvGateway: provider side of PrivateLink", () => {
  it("runs an internal, cross-zone NLB in the private subnets behind its own security group", () => {
    expect(only(json, "aws_lb")).toMatchObject({
      name: "acme-test-dcv",
      load_balancer_type: "network",
      internal: true,
      subnets: ["subnet-a", "subnet-c"],
      security_groups: [sgId(json, "dcv/nlb-sg")],
      enable_cross_zone_load_balancing: true,
      enforce_security_group_inbound_rules_on_private_link_traffic: "off",
      enable_deletion_protection: false,
    });
    expect(only(synth(issued, { production: true }), "aws_lb").enable_deletion_protection).toBe(
      true,
    );
  });

  it("passes TCP 8443 through to gateways with PROXY protocol v2 and a health check on the health port", () => {
    const tg = only(json, "aws_lb_target_group");
    expect(tg).toMatchObject({
      port: 8443,
      protocol: "TCP",
      target_type: "instance",
      proxy_protocol_v2: true,
      preserve_client_ip: "false",
      health_check: {
        enabled: true,
        protocol: "HTTP",
        port: "8081",
        path: "/health",
        matcher: "200",
      },
    });
    expect(only(json, "aws_lb_listener")).toMatchObject({
      port: 8443,
      protocol: "TCP",
      load_balancer_arn: refTo(json, "aws_lb", only(json, "aws_lb"), "arn"),
      default_action: [
        { type: "forward", target_group_arn: refTo(json, "aws_lb_target_group", tg, "arn") },
      ],
    });
  });

  it("keeps idle sessions for the configured time (not AWS's 350 s) on a plain TCP listener", () => {
    expect(only(json, "aws_lb_listener").tcp_idle_timeout_seconds).toBe(3600);
    const long = synth({
      nlbIdleTimeoutSeconds: 6000,
      readTimeoutSeconds: 6000,
      sendTimeoutSeconds: 6000,
    });
    expect(only(long, "aws_lb_listener")).toMatchObject({
      protocol: "TCP",
      tcp_idle_timeout_seconds: 6000,
    });
  });

  it("refuses nginx timeouts longer than the NLB's and idle timeouts AWS rejects", () => {
    expect(() => synth({ readTimeoutSeconds: 7200 }, { configPath: "dcv" })).toThrow(
      "dcv.readTimeoutSeconds: 7200 is longer than nlbIdleTimeoutSeconds (3600)",
    );
    expect(() => synth({ nlbIdleTimeoutSeconds: 7200 }, { configPath: "dcv" })).toThrow(
      "dcv.nlbIdleTimeoutSeconds: 7200 is not allowed; the NLB accepts 60 to 6000 seconds",
    );
  });

  it("publishes the NLB as an endpoint service that requires acceptance and lists its principals", () => {
    expect(only(json, "aws_vpc_endpoint_service")).toMatchObject({
      acceptance_required: true,
      network_load_balancer_arns: [refTo(json, "aws_lb", only(json, "aws_lb"), "arn")],
      // "self" consumers add this account.
      allowed_principals: ["arn:aws:iam::333333333333:root", "arn:aws:iam::123456789012:root"],
    });
    const named = synth({
      consumer: undefined,
      endpointService: { ...settings.endpointService, privateDnsName: "dcv.example.com" },
    });
    expect(only(named, "aws_vpc_endpoint_service")).toMatchObject({
      allowed_principals: ["arn:aws:iam::333333333333:root"],
      private_dns_name: "dcv.example.com",
    });
  });
});

describe("DcvGateway: consumer side", () => {
  it("creates an interface endpoint for the service in the consumer subnets and accepts it", () => {
    const endpoint = only(json, "aws_vpc_endpoint");
    const service = only(json, "aws_vpc_endpoint_service");
    expect(endpoint).toMatchObject({
      vpc_id: "vpc-1",
      vpc_endpoint_type: "Interface",
      service_name: refTo(json, "aws_vpc_endpoint_service", service, "service_name"),
      subnet_ids: ["subnet-a", "subnet-c"],
      security_group_ids: [sgId(json, "dcv/consumer-sg")],
    });
    expect(only(json, "aws_vpc_endpoint_connection_accepter")).toMatchObject({
      vpc_endpoint_service_id: refTo(json, "aws_vpc_endpoint_service", service, "id"),
      vpc_endpoint_id: refTo(json, "aws_vpc_endpoint", endpoint, "id"),
    });
  });

  it("uses a foreign VPC's subnets when given", () => {
    const other = synth({
      consumer: {
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-0123456789abcdef0"],
        clientCidrs: ["192.168.0.0/24"],
      },
    });
    expect(only(other, "aws_vpc_endpoint")).toMatchObject({
      vpc_id: "vpc-0123456789abcdef0",
      subnet_ids: ["subnet-0123456789abcdef0"],
    });
  });

  it("has no consumer endpoint unless configured", () => {
    const none = synth({ consumer: undefined });
    expect(bodies(none, "aws_vpc_endpoint")).toEqual([]);
    expect(bodies(none, "aws_vpc_endpoint_connection_accepter")).toEqual([]);
  });
});

/** Every rule as `sg-purpose direction port peer`, peers named by purpose where they are ours. */
function reachability(j: TfJson): string[] {
  const purposeOf = new Map<string, string>();
  for (const [name, body] of Object.entries(j.resource?.aws_security_group ?? {})) {
    purposeOf.set(
      `\${aws_security_group.${name}.id}`,
      (body.tags as Record<string, string>).Name.replace("acme-test-", ""),
    );
  }
  const peer = (r: Block) => {
    const ref = r.referenced_security_group_id as string | undefined;
    const cidr = r.cidr_ipv4 as string | undefined;
    if (ref !== undefined) return purposeOf.get(ref) ?? ref;
    return cidr ?? "s3-prefix-list";
  };
  const line = (dir: string) => (r: Block) =>
    `${purposeOf.get(String(r.security_group_id)) ?? "?"} ${dir} ${String(r.ip_protocol)}/${String(r.from_port)}-${String(r.to_port)} ${peer(r)}`;
  return [
    ...bodies(j, "aws_vpc_security_group_ingress_rule").map(line("in")),
    ...bodies(j, "aws_vpc_security_group_egress_rule").map(line("out")),
  ].sort();
}

describe("DcvGateway: exact reachability", () => {
  it("allows clients -> NLB -> gateways (service and health ports) -> agents:8443, AWS APIs, and nothing else", () => {
    expect(reachability(json)).toEqual(
      [
        "dcv-consumer in tcp/8443-8443 10.99.0.0/16",
        "dcv-nlb in tcp/8443-8443 10.50.0.0/16",
        "dcv-nlb out tcp/8443-8443 dcv-gateway",
        "dcv-nlb out tcp/8081-8081 dcv-gateway",
        "dcv-gateway in tcp/8443-8443 dcv-nlb",
        "dcv-gateway in tcp/8081-8081 dcv-nlb",
        "dcv-gateway out tcp/8443-8443 dcv-agent",
        "dcv-gateway out tcp/8443-8443 10.150.248.180/32",
        "dcv-gateway out tcp/443-443 sg-endpoints",
        "dcv-gateway out tcp/443-443 s3-prefix-list",
        "dcv-agent in tcp/8443-8443 dcv-gateway",
        "dcv-agent out tcp/443-443 sg-endpoints",
        "dcv-agent out tcp/443-443 s3-prefix-list",
      ].sort(),
    );
    for (const sg of bodies(json, "aws_security_group")) {
      expect(sg).not.toHaveProperty("ingress");
      expect(sg).not.toHaveProperty("egress");
    }
  });

  it("has no agent security group when every agent is an existing address", () => {
    const existing = synth({ agents: [{ name: "agent1", address: "10.150.248.180" }] });
    expect(reachability(existing).filter((r) => r.includes("dcv-agent"))).toEqual([]);
    expect(bodies(existing, "aws_instance")).toEqual([]);
  });
});

describe("DcvGateway: gateway fleet", () => {
  const lt = only(json, "aws_launch_template");
  const asg = only(json, "aws_autoscaling_group");

  it("launches Amazon Linux 2023 with IMDSv2 only, an encrypted disk, no public IP and no key pair", () => {
    expect(lt).toMatchObject({
      image_id: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      instance_type: "t3.small",
      metadata_options: {
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
      },
      block_device_mappings: [
        {
          device_name: "/dev/xvda",
          ebs: { encrypted: "true", volume_type: "gp3", volume_size: 8 },
        },
      ],
      network_interfaces: [
        { associate_public_ip_address: "false", security_groups: [sgId(json, "dcv/gateway-sg")] },
      ],
    });
    expect(lt).not.toHaveProperty("key_name");
    const arm = synth({
      gateway: { ...settings.gateway, instanceType: "t4g.small", architecture: "arm64" },
    });
    expect(only(arm, "aws_launch_template").image_id).toMatch(/al2023-ami-kernel-default-arm64$/);
  });

  it("reaches instances only through SSM Session Manager (no key pair, no SSH)", () => {
    const attachments = bodies(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn);
    expect(attachments).toEqual([
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
  });

  it("lets the gateways read the fleet's secret: the named one, with its KMS key", () => {
    const secret = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dcv-tls-AbCdEf";
    const key = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const withSecret = synth({
      gateway: {
        ...settings.gateway,
        tls: { source: "secret", secretArn: secret, kmsKeyArn: key },
      },
    });
    expect(grants(withSecret, "gateway-role")).toEqual([
      expect.objectContaining({ actions: ["secretsmanager:GetSecretValue"], resources: [secret] }),
      expect.objectContaining({ actions: ["kms:Decrypt"], resources: [key] }),
    ]);
    expect(bodies(withSecret, "aws_secretsmanager_secret")).toEqual([]);
    expect(userDataOf(withSecret)).toContain(`secret='${secret}'`);
    expect(userDataOf(withSecret)).not.toContain("openssl req");
  });

  it("refuses a self-signed certificate in production", () => {
    expect(() => synth({}, { production: true, configPath: "dcv" })).toThrow(
      'dcv.gateway.tls.source: "self-signed" is not allowed in a production environment',
    );
  });

  it("keeps the self-signed certificate in one secret per environment that only the gateways write", () => {
    const secret = only(json, "aws_secretsmanager_secret");
    expect(secret).toMatchObject({
      name: "acme-test-dcv-gateway-tls",
      recovery_window_in_days: 0,
    });
    expect(String(secret.description)).toContain("test environment without a CA");
    expect(grants(json, "gateway-role")).toEqual([
      expect.objectContaining({
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        resources: [refTo(json, "aws_secretsmanager_secret", secret, "arn")],
      }),
    ]);
    // The first gateway must not boot before the secret and its permission exist.
    const dependsOn = asg.depends_on as string[];
    expect(dependsOn.some((d) => d.startsWith("aws_secretsmanager_secret."))).toBe(true);
    expect(dependsOn.some((d) => d.startsWith("aws_iam_role_policy."))).toBe(true);
  });

  it("keeps at least two gateways spread over every private subnet, health-checked by the NLB", () => {
    expect(asg).toMatchObject({
      min_size: 2,
      max_size: 4,
      vpc_zone_identifier: ["subnet-a", "subnet-c"],
      target_group_arns: [
        refTo(json, "aws_lb_target_group", only(json, "aws_lb_target_group"), "arn"),
      ],
      health_check_type: "ELB",
    });
  });

  it("rolls every configuration change out as a new launch template version with an instance refresh", () => {
    expect(asg.launch_template).toEqual({
      id: refTo(json, "aws_launch_template", lt, "id"),
      version: refTo(json, "aws_launch_template", lt, "latest_version"),
    });
    expect(asg.instance_refresh).toMatchObject({
      strategy: "Rolling",
      preferences: { min_healthy_percentage: 50 },
    });
    // EC2 cannot roll back to a template whose AMI is an SSM alias.
    expect((asg.instance_refresh as { preferences: object }).preferences).not.toHaveProperty(
      "auto_rollback",
    );
    expect(lt.update_default_version).toBe(true);
    const changed = synth({ readTimeoutSeconds: 1800 });
    expect(only(changed, "aws_launch_template").user_data).not.toBe(lt.user_data);
  });
});

describe("DcvGateway: user data", () => {
  const userData = userDataOf(json);
  const doc = JSON.parse(userData.replace(/^#cloud-config\n/, "")) as {
    packages: string[];
    write_files: { path: string; content: string; permissions: string; defer?: boolean }[];
    runcmd: string[][];
  };
  const file = (path: string) => doc.write_files.find((f) => f.path === path);

  it("installs nginx and every tool the TLS step uses, explicitly", () => {
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    expect(doc.packages).toEqual(["nginx", "openssl", "awscli-2", "python3"]);
  });

  it("stages the generated configuration outside /etc/nginx without deferred writes, and starts one script", () => {
    const expected = renderNginxConfig(
      nginxConfigFor(
        settings,
        ["10.150.248.180", "10.50.15.254", "10.50.31.254"],
        base.privateSubnetCidrs,
      ),
    );
    expect(file("/etc/dcv-gateway/nginx.conf")).toMatchObject({ content: expected });
    expect(file("/etc/nginx/nginx.conf")).toBeUndefined();
    for (const f of doc.write_files) expect(f).not.toHaveProperty("defer");
    expect(doc.runcmd).toEqual([["/usr/local/sbin/dcv-gateway-start"]]);
  });

  it("refuses to start when a tool is missing, and starts nginx only after nginx -t", () => {
    const start = file("/usr/local/sbin/dcv-gateway-start");
    expect(start?.permissions).toBe("0700");
    const lines = (start?.content ?? "").split("\n");
    expect(lines).toContain("set -eu");
    expect(lines).toContain("for tool in nginx openssl aws python3; do");
    const order = [
      "/usr/local/sbin/dcv-gateway-tls",
      "install -m 0644 -o root -g root /etc/dcv-gateway/nginx.conf /etc/nginx/nginx.conf",
      "nginx -t",
      "systemctl enable --now nginx",
      "systemctl daemon-reload",
      "systemctl enable --now dcv-gateway-cert-refresh.timer",
    ].map((l) => lines.indexOf(l));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("never makes a per-instance certificate: every gateway installs the one in the secret", () => {
    const script = file("/usr/local/sbin/dcv-gateway-tls")?.content ?? "";
    expect(script).toContain("secret='acme-test-dcv-gateway-tls'");
    // Generation happens only when the secret is empty, and what is installed is always the
    // secret's value (tls-script.test.ts runs this script with concurrent first boots).
    const generate = script.indexOf("openssl req -x509");
    expect(generate).toBeGreaterThan(script.indexOf("if ! fetch; then"));
    expect(script.indexOf("put-secret-value")).toBeGreaterThan(generate);
    expect(script).toContain("--client-request-token dcv-gateway-fleet-certificate-v1");
    expect(script.lastIndexOf('"$work/secret.json" "$work/crt" "$work/key"')).toBeGreaterThan(
      script.indexOf("fi\n"),
    );
  });

  it("installs a renewed certificate on running gateways from a systemd timer", () => {
    const refresh = file("/usr/local/sbin/dcv-gateway-cert-refresh");
    expect(refresh?.permissions).toBe("0700");
    expect(refresh?.content).toContain("/usr/local/sbin/dcv-gateway-tls ||");
    expect(refresh?.content).toContain("systemctl reload nginx");
    const service = file("/etc/systemd/system/dcv-gateway-cert-refresh.service")?.content ?? "";
    const timer = file("/etc/systemd/system/dcv-gateway-cert-refresh.timer")?.content ?? "";
    expect(service).toContain("ExecStart=/usr/local/sbin/dcv-gateway-cert-refresh");
    expect(timer).toMatch(/^OnUnitActiveSec=\S+$/m);
    expect(timer).toContain("WantedBy=timers.target");
  });

  const haveSystemd =
    spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" }).status === 0;
  if (!haveSystemd && process.env.CI === undefined) {
    console.warn(
      "skipping the systemd unit check: systemd-analyze is not installed (apt-get install systemd)",
    );
  }
  it.skipIf(!haveSystemd && process.env.CI === undefined)(
    "writes systemd units that systemd-analyze verify accepts",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "dcv-units-"));
      try {
        // verify checks that ExecStart is executable; point it at a stand-in.
        const exec = join(dir, "refresh");
        writeFileSync(exec, "#!/bin/sh\n", { mode: 0o755 });
        const units = ["service", "timer"].map((kind) => {
          const unit = join(dir, `dcv-gateway-cert-refresh.${kind}`);
          const content =
            file(`/etc/systemd/system/dcv-gateway-cert-refresh.${kind}`)?.content ?? "";
          writeFileSync(unit, content.replace("/usr/local/sbin/dcv-gateway-cert-refresh", exec));
          return unit;
        });
        const result = spawnSync("systemd-analyze", ["verify", "--man=no", ...units], {
          encoding: "utf8",
          cwd: dir,
        });
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        writeFileSync(units[1], "[Timer]\nOnUnitActiveSecc=1h\n");
        expect(
          spawnSync("systemd-analyze", ["verify", "--man=no", units[1]], { encoding: "utf8" })
            .status,
        ).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  // Found on PATH, not run: `cloud-init --version` alone is a Python start-up (~0.3 s).
  const haveCloudInit = onPath("cloud-init") !== undefined;
  if (!haveCloudInit && process.env.CI === undefined) {
    console.warn(
      "skipping the cloud-init schema check: cloud-init is not installed (apt-get install cloud-init)",
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), "cloud-init-"));
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it.skipIf(!haveCloudInit && process.env.CI === undefined)(
    "is valid cloud-config according to cloud-init schema",
    () => {
      const path = join(scratch, "user-data");
      for (const [name, variant] of [
        ["self-signed", json],
        [
          "with secret",
          synth({
            gateway: {
              ...settings.gateway,
              tls: {
                source: "secret",
                secretArn: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:x-AbCdEf",
              },
            },
          }),
        ],
      ] as const) {
        writeFileSync(path, userDataOf(variant));
        const result = spawnSync("cloud-init", ["schema", "--config-file", path], {
          encoding: "utf8",
        });
        expect(`${name}: ${result.stdout}${result.stderr}`).toContain("Valid cloud-config");
        expect(result.status).toBe(0);
      }
      writeFileSync(
        path,
        userData.replace('"permissions": "0700",', '"permissions": "0700", "defer": "yes",'),
      );
      expect(spawnSync("cloud-init", ["schema", "--config-file", path]).status).not.toBe(0);
    },
  );
});

describe("DcvGateway: agents", () => {
  const instances = bodies(json, "aws_instance");

  it("creates the instance agents at fixed addresses from the top of their subnets, round-robin over AZs", () => {
    expect(instances.map((i) => [i.subnet_id, i.private_ip])).toEqual([
      ["subnet-a", "10.50.15.254"],
      ["subnet-c", "10.50.31.254"],
    ]);
  });

  it("locks them down: IMDSv2, encrypted root, no public IP, SSM profile, only the agent SG", () => {
    for (const i of instances) {
      expect(i).toMatchObject({
        instance_type: "g4dn.xlarge",
        associate_public_ip_address: false,
        vpc_security_group_ids: [sgId(json, "dcv/agent-sg")],
        metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
        root_block_device: { encrypted: true, volume_type: "gp3", volume_size: 100 },
        lifecycle: { ignore_changes: ["ami"], prevent_destroy: false },
      });
      expect(i).not.toHaveProperty("key_name");
      expect(String(i.ami)).toMatch(/^\$\{data\.aws_ssm_parameter\.[^.]+\.value\}$/);
    }
    expect(Object.values(json.data?.aws_ssm_parameter ?? {})).toEqual([
      expect.objectContaining({ name: "/acme/dcv/ami" }),
    ]);
  });

  it("may fetch the DCV licence from the region's licence bucket, and nothing else in S3", () => {
    expect(grants(json, "agent-role")).toEqual([
      {
        sid: "DcvLicence",
        effect: "Allow",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::dcv-license.ap-northeast-1/*"],
      },
    ]);
    const agentRole = byPath(json, "aws_iam_role", "dcv/agent-role/role");
    const policy = bodies(json, "aws_iam_role_policy").find(
      (p) => p.role === refTo(json, "aws_iam_role", agentRole, "id"),
    );
    expect(policy).toBeDefined();
  });

  it("uses a fixed AMI id when one is given instead of a parameter", () => {
    const fixed = synth({
      agents: [
        {
          name: "desk1",
          instance: {
            instanceType: "g4dn.xlarge",
            amiId: "ami-0123456789abcdef0",
            rootVolumeGb: 100,
          },
        },
      ],
    });
    expect(only(fixed, "aws_instance").ami).toBe("ami-0123456789abcdef0");
    expect(fixed.data?.aws_ssm_parameter).toBeUndefined();
  });

  it("protects desktops from destroy in production", () => {
    for (const i of bodies(synth(issued, { production: true }), "aws_instance")) {
      expect(i.lifecycle).toMatchObject({ prevent_destroy: true });
    }
  });

  it("honours an explicit private address", () => {
    const pinned = synth({
      agents: [
        {
          name: "desk1",
          instance: {
            instanceType: "g4dn.xlarge",
            amiParameter: "/acme/dcv/ami",
            rootVolumeGb: 100,
            privateIp: "10.50.20.10",
          },
        },
      ],
    });
    expect(only(pinned, "aws_instance")).toMatchObject({
      subnet_id: "subnet-c",
      private_ip: "10.50.20.10",
    });
  });
});

describe("DcvGateway: existing agents must be reachable", () => {
  const agent = (address: string) => ({
    agents: [{ name: "far", address }],
  });
  const rejects = (address: string, message: string) => {
    expect(() => synth(agent(address), { configPath: "dcv" })).toThrow(
      `dcv.agents[0].address: agent "far": "${address}" ${message}`,
    );
  };

  it("accepts agents in the private subnets and behind a declared route", () => {
    expect(() => synth(agent("10.50.3.7"))).not.toThrow();
    expect(() => synth(agent("10.150.248.9"))).not.toThrow();
  });

  it("refuses an address outside the VPC that no declared route leads to", () => {
    rejects(
      "10.150.249.9",
      "is outside the VPC (10.50.0.0/16) and no declared route leads there (network.externalNetworks: 10.150.248.0/24)",
    );
    expect(() => synth(agent("10.150.248.9"), { externalCidrs: [], configPath: "dcv" })).toThrow(
      "no declared route leads there (network.externalNetworks: none)",
    );
  });

  it("refuses an address in another tier of the VPC", () => {
    rejects("10.50.64.10", "is inside the VPC (10.50.0.0/16) but not in its private subnets");
  });

  it("refuses public, loopback and link-local addresses", () => {
    rejects("8.8.8.8", "is a public address");
    rejects("127.0.0.1", "is a loopback address");
    rejects("169.254.169.254", "is a link-local address");
  });
});

describe("DcvGateway: alarms", () => {
  it("alarms on unhealthy gateways and on too few gateways in service, notifying the topic", () => {
    const topic = "arn:aws:sns:ap-northeast-1:123456789012:critical";
    const alarmed = synth({ alarmTopicArn: topic });
    const alarms = bodies(alarmed, "aws_cloudwatch_metric_alarm");
    expect(alarms).toHaveLength(2);
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          namespace: "AWS/NetworkELB",
          metric_name: "UnHealthyHostCount",
          dimensions: {
            LoadBalancer: refTo(alarmed, "aws_lb", only(alarmed, "aws_lb"), "arn_suffix"),
            TargetGroup: refTo(
              alarmed,
              "aws_lb_target_group",
              only(alarmed, "aws_lb_target_group"),
              "arn_suffix",
            ),
          },
          comparison_operator: "GreaterThanThreshold",
          threshold: 0,
          alarm_actions: [topic],
        }),
        expect.objectContaining({
          namespace: "AWS/AutoScaling",
          metric_name: "GroupInServiceInstances",
          comparison_operator: "LessThanThreshold",
          threshold: 2,
          alarm_actions: [topic],
        }),
      ]),
    );
    expect(only(alarmed, "aws_autoscaling_group").enabled_metrics).toContain(
      "GroupInServiceInstances",
    );
    for (const alarm of bodies(json, "aws_cloudwatch_metric_alarm"))
      expect(alarm).not.toHaveProperty("alarm_actions");
  });
});

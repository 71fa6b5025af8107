import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import {
  CACHE_ENGINE_VERSIONS,
  CACHE_NODE_TYPES,
  EC2_INSTANCE_TYPES,
  RDS_ENGINE_VERSIONS,
  RDS_INSTANCE_CLASSES,
  REGION_ZONES,
} from "../../config/aws-catalog";
import type { EnvironmentInput } from "../../config";
import { fixtureInput } from "../fixtures/config";
import { db, dcv, fixtureWith, rejection, svc } from "../helpers/config";

type Edit = (e: EnvironmentInput) => void;
const firstService = (e: EnvironmentInput) => svc(e).services[0];

describe("values are checked against what AWS offers (config/aws-catalog)", () => {
  const cases: [string, "sandbox" | "live", Edit, RegExp][] = [
    [
      "an AZ the region does not have (ap-northeast-1b)",
      "sandbox",
      (e) => (e.network.availabilityZones = ["ap-northeast-1a", "ap-northeast-1b"]),
      /environments\.sandbox\.network\.availabilityZones\[1\]: "ap-northeast-1b" is not an AZ of ap-northeast-1; its AZs are ap-northeast-1a, ap-northeast-1c, ap-northeast-1d/,
    ],
    [
      "more AZs than the region has",
      "live",
      (e) => {
        e.network.azCount = 4;
        e.network.availabilityZones = undefined;
      },
      /environments\.live\.network\.azCount: 4 is more AZs than ap-northeast-1 offers: it has 3 \(ap-northeast-1a, ap-northeast-1c, ap-northeast-1d\)/,
    ],
    [
      "a misspelt region is blamed on the region, not on the AZs",
      "sandbox",
      (e) => (e.region = "ap-northest-1"),
      /^Invalid configuration: environments\.sandbox\.region: "ap-northest-1" is not a region in config\/aws-catalog\/regions\.ts .*did you mean "ap-northeast-1"\?$/,
    ],
    [
      "a region code that is no region",
      "sandbox",
      (e) => (e.region = "tokyo"),
      /environments\.sandbox\.region: "tokyo" is not an AWS region code such as ap-northeast-1/,
    ],
    [
      "an RDS instance class RDS does not offer",
      "sandbox",
      (e) => (db(e).instanceClass = "db.t4g.mini"),
      /environments\.sandbox\.database\.instanceClass: "db\.t4g\.mini" is not an instance class postgres offers; db\.t4g offers db\.t4g\.micro, .*config\/aws-catalog\/rds\.ts/,
    ],
    [
      "an Aurora instance class of a family Aurora does not offer",
      "live",
      (e) => (db(e).instanceClass = "db.m6g.large"),
      /environments\.live\.database\.instanceClass: "db\.m6g\.large" is not an instance class aurora-postgresql offers; .*families: db\.serverless, db\.t3, db\.t4g, db\.r5/,
    ],
    [
      "an Aurora engine version that does not exist",
      "live",
      (e) => (db(e).engineVersion = "16.5"),
      /environments\.live\.database\.engineVersion: "16\.5" is not a aurora-postgresql 16 version RDS offers; available: 16\.3, 16\.4, 16\.6/,
    ],
    [
      "an RDS PostgreSQL major the platform does not support",
      "sandbox",
      (e) => (db(e).engineVersion = "12"),
      /environments\.sandbox\.database\.engineVersion: "12" is not a postgres version this platform supports; use a major of 13, 14, 15, 16, 17/,
    ],
    [
      "a pinned RDS minor that RDS no longer offers",
      "sandbox",
      (e) => {
        db(e).engineVersion = "16.1";
        db(e).autoMinorVersionUpgrade = false;
      },
      /environments\.sandbox\.database\.engineVersion: "16\.1" is not a postgres 16 version RDS offers/,
    ],
    [
      "a maintenance window overlapping the backup window",
      "sandbox",
      (e) => {
        db(e).backup.window = "16:00-17:00";
        db(e).maintenanceWindow = "wed:16:30-wed:17:30";
      },
      /environments\.sandbox\.database\.maintenanceWindow: "wed:16:30-wed:17:30" overlaps the daily backup window "16:00-17:00" \(on wed\); RDS refuses overlapping windows/,
    ],
    [
      "a maintenance window across midnight overlapping a backup window across midnight",
      "live",
      (e) => {
        db(e).backup.window = "23:30-00:30";
        db(e).maintenanceWindow = "sun:23:45-mon:00:45";
      },
      /environments\.live\.database\.maintenanceWindow: "sun:23:45-mon:00:45" overlaps the daily backup window "23:30-00:30" \(on sun\)/,
    ],
    [
      "capacity-provider weights all zero",
      "sandbox",
      (e) => {
        svc(e).cluster = { fargateBase: 1, fargateWeight: 0, spotWeight: 0 };
      },
      /environments\.sandbox\.services\.cluster\.spotWeight: 0 with fargateWeight 0: ECS needs at least one capacity provider with a weight above 0/,
    ],
    [
      "an image reference with a space",
      "sandbox",
      (e) => {
        const s = firstService(e);
        s.imageTag = undefined;
        s.image = "nginx: 1.27";
      },
      /environments\.sandbox\.services\.services\[0\]\.image: "nginx: 1\.27" is not an image reference: it contains white space/,
    ],
    [
      "an image reference with an upper-case repository",
      "sandbox",
      (e) => {
        const s = firstService(e);
        s.imageTag = undefined;
        s.image = "public.ecr.aws/MyOrg/app:1.0";
      },
      /\.image: "public\.ecr\.aws\/MyOrg\/app:1\.0" is not an image reference: it has upper-case letters in its repository path/,
    ],
    [
      "an image tag that is no tag",
      "sandbox",
      (e) => (firstService(e).imageTag = "v1.0/beta"),
      /\.imageTag: "v1\.0\/beta" is not an image tag: a letter, digit or _ followed by up to 127/,
    ],
    [
      "latest pushed to the IMMUTABLE repository (any environment)",
      "sandbox",
      (e) => (firstService(e).imageTag = "latest"),
      /environments\.sandbox\.services\.services\[0\]\.imageTag: "latest" is a moving tag, but the service's ECR repository is IMMUTABLE/,
    ],
    [
      "a moving tag of an external image in production",
      "live",
      (e) => {
        const s = firstService(e);
        s.imageTag = undefined;
        s.image = "public.ecr.aws/nginx/nginx:latest";
      },
      /environments\.live\.services\.services\[0\]\.image: "public\.ecr\.aws\/nginx\/nginx:latest" uses the moving tag "latest"; production pins a version tag or a digest/,
    ],
    [
      "an untagged external image in production",
      "live",
      (e) => {
        const s = firstService(e);
        s.imageTag = undefined;
        s.image = "public.ecr.aws/nginx/nginx";
      },
      /\.image: "public\.ecr\.aws\/nginx\/nginx" has no tag \(it means "latest"\); production pins/,
    ],
    [
      "a secret ARN of the wrong service",
      "sandbox",
      (e) => {
        firstService(e).secrets = {
          TOKEN_A: { secretArn: "arn:aws:ssm:ap-northeast-1:444444444444:parameter/app/token" },
        };
      },
      /\.secrets\.TOKEN_A\.secretArn: "arn:aws:ssm:ap-northeast-1:444444444444:parameter\/app\/token" is an SSM parameter ARN; give it as ssmParameterArn/,
    ],
    [
      "a partial secret ARN (IAM would not match it)",
      "sandbox",
      (e) => {
        firstService(e).secrets = {
          TOKEN_A: {
            secretArn: "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token",
          },
        };
      },
      /\.secrets\.TOKEN_A\.secretArn: ".*secret:app\/token" is a partial ARN: give the full ARN ending in the six characters/,
    ],
    [
      "a secret ARN with a key in the ARN and in jsonKey",
      "sandbox",
      (e) => {
        firstService(e).secrets = {
          TOKEN_A: {
            secretArn:
              "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf:token::",
            jsonKey: "token",
          },
        };
      },
      /\.secrets\.TOKEN_A\.jsonKey: "token" repeats the JSON key the ARN already selects \("token"\); give it once/,
    ],
    [
      "a secret ARN with both a version stage and a version id",
      "sandbox",
      (e) => {
        firstService(e).secrets = {
          TOKEN_A: {
            secretArn:
              "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf::AWSCURRENT:0123",
          },
        };
      },
      /\.secrets\.TOKEN_A\.secretArn: .* names both a version stage and a version id; ECS takes one/,
    ],
    [
      "a parameter ARN with a leading slash doubled or of the wrong service",
      "sandbox",
      (e) => {
        firstService(e).secrets = {
          TOKEN_A: {
            ssmParameterArn: "arn:aws:ssm:ap-northeast-1:444444444444:parameter//app/token",
          },
        };
      },
      /\.secrets\.TOKEN_A\.ssmParameterArn: ".*parameter\/\/app\/token" is not an SSM parameter ARN: arn:aws:ssm:<region>:<account>:parameter\/<name>/,
    ],
    [
      "an EC2 instance type that does not exist (DCV agent)",
      "live",
      (e) => {
        const agent = dcv(e).agents[0];
        if (agent.instance === undefined) throw new Error("fixture agent without instance");
        agent.instance.instanceType = "g4dn.large";
      },
      /environments\.live\.dcv\.agents\[0\]\.instance\.instanceType: "g4dn\.large" is not an EC2 instance type this platform knows .*g4dn comes in xlarge, 2xlarge/,
    ],
    [
      "an EC2 instance type that does not exist (DCV gateway)",
      "live",
      (e) => {
        const gateway = dcv(e).gateway;
        if (gateway === undefined) throw new Error("fixture without gateway settings");
        gateway.instanceType = "t3.smal";
      },
      /environments\.live\.dcv\.gateway\.instanceType: "t3\.smal" is not an EC2 instance type this platform knows \(such as "t3\.small"\); t3 comes in nano, micro, small/,
    ],
  ];

  it.each(cases)("refuses %s", (_name, env, edit, message) => {
    expect(rejection(fixtureWith(env, edit))).toMatch(message);
  });

  it.each([
    [
      "a /16 VPC with every AZ of the region",
      "live" as const,
      (e: EnvironmentInput) => {
        e.network.azCount = 3;
        e.network.availabilityZones = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"];
      },
    ],
    [
      "the maximum capacity-provider weights",
      "sandbox" as const,
      (e: EnvironmentInput) => {
        svc(e).cluster = { fargateBase: 0, fargateWeight: 1000, spotWeight: 1000 };
      },
    ],
    [
      "one weight zero, the other above",
      "sandbox" as const,
      (e: EnvironmentInput) => {
        svc(e).cluster = { fargateBase: 0, fargateWeight: 0, spotWeight: 1 };
      },
    ],
    [
      "a digest-pinned external image in production",
      "live" as const,
      (e: EnvironmentInput) => {
        const s = firstService(e);
        s.imageTag = undefined;
        s.image = `public.ecr.aws/nginx/nginx:latest@sha256:${"a".repeat(64)}`;
      },
    ],
    [
      "a registry with a port and a version tag",
      "live" as const,
      (e: EnvironmentInput) => {
        const s = firstService(e);
        s.imageTag = undefined;
        s.image = "registry.example.com:5000/team/app_server__x:2.3.1-rc.1";
      },
    ],
    [
      "secret ARNs with the ECS key/version suffixes and parameter ARNs",
      "sandbox" as const,
      (e: EnvironmentInput) => {
        firstService(e).secrets = {
          TOKEN_A: {
            secretArn:
              "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf:token:AWSPREVIOUS:",
          },
          TOKEN_B: {
            secretArn: "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf",
            jsonKey: "token",
          },
          TOKEN_C: {
            ssmParameterArn: "arn:aws:ssm:ap-northeast-1:444444444444:parameter/app/token",
          },
        };
      },
    ],
    [
      "a maintenance window right after the backup window",
      "sandbox" as const,
      (e: EnvironmentInput) => {
        db(e).backup.window = "16:00-17:00";
        db(e).maintenanceWindow = "sun:17:00-sun:18:00";
      },
    ],
  ])("accepts %s", (_name, env, edit) => {
    expect(() => loadConfig(fixtureWith(env, edit))).not.toThrow();
  });

  it("has an AZ table for ap-northeast-1 without the legacy 1b zone", () => {
    expect(REGION_ZONES["ap-northeast-1"].letters).toEqual(["a", "c", "d"]);
  });

  it("lists, for every major, versions in ascending order of that major only", () => {
    for (const versions of Object.values(RDS_ENGINE_VERSIONS)) {
      for (const [major, list] of Object.entries(versions)) {
        const minors = list.map((v) => {
          const [m, n] = v.split(".").map(Number);
          expect(String(m)).toBe(major);
          return n;
        });
        expect(minors).toEqual([...minors].sort((a, b) => a - b));
      }
    }
  });

  it("lists every table entry once", () => {
    const tables: readonly (readonly string[])[] = [
      CACHE_NODE_TYPES,
      EC2_INSTANCE_TYPES,
      ...Object.values(RDS_INSTANCE_CLASSES),
      ...Object.values(CACHE_ENGINE_VERSIONS),
      ...Object.values(RDS_ENGINE_VERSIONS).flatMap((majors) => Object.values(majors)),
      ...Object.values(REGION_ZONES).map((z) => z.letters),
    ];
    for (const table of tables) expect(new Set(table).size).toBe(table.length);
  });

  it("accepts the fixture itself", () => {
    expect(() => loadConfig(fixtureInput())).not.toThrow();
  });
});

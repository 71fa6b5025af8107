import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../config";
import { PlatformStack } from "../../stacks";
import { shippedInput, withEnv } from "../helpers/config";
import { synthPlatform, synthShipped, type SynthResult } from "../helpers/synth";
import type { Block, TfJson } from "../helpers/tf";

const remoteStacks = (result: SynthResult) =>
  Object.entries(result.stacks).filter(([name]) => !name.endsWith("-bootstrap"));

/** Adds `<project>-<env>-consumer`, which reads the network stack's VPC id across stacks. */
function withConsumer(input = shippedInput()): SynthResult {
  return synthPlatform(input, (app, built) => {
    for (const env of Object.values(built)) {
      const network = env.network;
      const consumer = new PlatformStack(app, "consumer", {
        project: "platform",
        environment: network.environment,
        terraformVersion: "1.13.3",
      });
      new TerraformOutput(consumer, "vpc_id", { value: network.network.vpcId });
    }
  });
}

/** The consumer's remote-state data source and the producer output it reads. */
function crossStackRead(json: TfJson): { source: Block; reference: string } {
  const sources = Object.entries(json.data?.terraform_remote_state ?? {});
  expect(sources).toHaveLength(1);
  const [name, source] = sources[0];
  const reference = String(json.output?.vpc_id.value);
  expect(reference).toMatch(
    new RegExp(`^\\$\\{data\\.terraform_remote_state\\.${name}\\.outputs\\.`),
  );
  return { source, reference };
}

describe("S3 backend", () => {
  const result = synthShipped();

  it("gives every stack its own key, <project>/<env>/<layer>.tfstate, encrypted and S3-locked", () => {
    for (const [stack, json] of remoteStacks(result)) {
      const [, env, layer] = /^platform-(\w+)-(\w+)$/.exec(stack) ?? [];
      expect(json.terraform?.backend?.s3).toEqual({
        bucket: `platform-tfstate-${env === "dev" ? "111111111111" : "222222222222"}-ap-northeast-1`,
        key: `platform/${env}/${layer}.tfstate`,
        region: "ap-northeast-1",
        encrypt: true,
        use_lockfile: true,
        kms_key_id: `arn:aws:kms:ap-northeast-1:${env === "dev" ? "111111111111" : "222222222222"}:alias/platform-${env}-tfstate`,
      });
    }
  });

  it("never shares a state key between two stacks", () => {
    const keys = remoteStacks(result).map(
      ([, json]) =>
        `${String(json.terraform?.backend?.s3.bucket)}/${String(json.terraform?.backend?.s3.key)}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThanOrEqual(2);
  });

  it("passes an explicit KMS key, key prefix, bucket region and DynamoDB lock table through", () => {
    const input = withEnv("dev", (e) => {
      e.state = {
        backend: "s3",
        bucket: "shared-state-bucket",
        region: "us-east-1",
        keyPrefix: "teams/platform",
        kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/abcd",
        dynamodbTable: "tf-locks",
        bootstrap: false,
      };
    });
    const s3 = synthPlatform(input).stacks["platform-dev-network"].terraform?.backend?.s3;
    expect(s3).toEqual({
      bucket: "shared-state-bucket",
      key: "teams/platform/dev/network.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
      kms_key_id: "arn:aws:kms:us-east-1:111111111111:key/abcd",
      dynamodb_table: "tf-locks",
    });
  });

  it("asks for no KMS key it cannot know about when the bucket is not bootstrapped here", () => {
    const input = withEnv("dev", (e) => {
      if (e.state.backend === "s3") e.state.bootstrap = false;
    });
    const { stacks } = synthPlatform(input);
    expect(stacks["platform-dev-network"].terraform?.backend?.s3).not.toHaveProperty("kms_key_id");
    expect(stacks).not.toHaveProperty("platform-dev-bootstrap");
  });

  it("reads another stack's values through terraform_remote_state on the producer's S3 key", () => {
    const { stacks } = withConsumer();
    for (const env of ["dev", "prod"]) {
      const { source, reference } = crossStackRead(stacks[`platform-${env}-consumer`]);
      expect(source).toMatchObject({
        backend: "s3",
        config: {
          bucket: expect.stringContaining("platform-tfstate-") as unknown,
          key: `platform/${env}/network.tfstate`,
        },
      });
      const outputName = reference.split(".outputs.")[1].replace("}", "");
      expect(stacks[`platform-${env}-network`].output).toHaveProperty(outputName);
    }
  });
});

describe("HCP Terraform (cloud) backend", () => {
  const cloud: EnvironmentInput["state"] = {
    backend: "cloud",
    organization: "acme",
    project: "platform",
  };
  const input = shippedInput();
  input.environments.dev.state = cloud;
  // The CI roles are granted the S3 state bucket; HCP Terraform runs bring their own credentials.
  delete input.environments.dev.ci;
  delete input.environments.prod.ci;
  input.environments.prod.state = { ...cloud, hostname: "tfe.example.internal" };
  const result = withConsumer(input);

  it("uses one workspace per stack, named after the stack", () => {
    // The hcp stack creates the workspaces, so its own state is local, like bootstrap's.
    const inWorkspaces = Object.entries(result.stacks).filter(([s]) => !s.endsWith("-hcp"));
    expect(inWorkspaces.length).toBeLessThan(Object.keys(result.stacks).length);
    for (const [stack, json] of inWorkspaces) {
      expect(json.terraform?.backend).toBeUndefined();
      expect(json.terraform?.cloud).toEqual({
        organization: "acme",
        hostname: stack.startsWith("platform-prod") ? "tfe.example.internal" : "app.terraform.io",
        workspaces: { name: stack, project: "platform" },
      });
    }
  });

  it("has no bootstrap stack: HCP Terraform keeps the state", () => {
    expect(Object.keys(result.stacks).filter((s) => s.endsWith("-bootstrap"))).toEqual([]);
  });

  it("reads another stack's values through the producer's workspace", () => {
    for (const env of ["dev", "prod"]) {
      const { source, reference } = crossStackRead(result.stacks[`platform-${env}-consumer`]);
      expect(source).toMatchObject({
        backend: "remote",
        config: { organization: "acme", workspaces: { name: `platform-${env}-network` } },
      });
      const outputName = reference.split(".outputs.")[1].replace("}", "");
      expect(result.stacks[`platform-${env}-network`].output).toHaveProperty(outputName);
    }
  });
});

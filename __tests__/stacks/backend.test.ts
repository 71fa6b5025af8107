import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { loadConfig, type EnvironmentInput } from "../../config";
import { FIXTURE, fixtureInput } from "../fixtures/config";
import { PlatformStack } from "../../stacks";
import { fixtureWith } from "../helpers/config";
import { synthPlatform, type SharedSynth, type SynthResult } from "../helpers/synth";
import { synthFixture } from "../fixtures/synth";
import type { Block, TfJson } from "../helpers/tf";

const remoteStacks = (result: SharedSynth) =>
  Object.entries(result.stacks).filter(([name]) => !name.endsWith("-bootstrap"));

/** Adds `<project>-<env>-consumer`, which reads the network stack's VPC id across stacks. */
function withConsumer(input = fixtureInput()): SynthResult {
  return synthPlatform(input, {
    extend: (app, built) => {
      for (const env of Object.values(built)) {
        const network = env.network;
        const consumer = new PlatformStack(app, "consumer", {
          project: fixtureInput().project,
          environment: network.environment,
          terraformVersion: "1.13.3",
        });
        new TerraformOutput(consumer, "vpc_id", { value: network.network.vpcId });
      }
    },
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

const config = loadConfig(fixtureInput());
const environments = Object.values(config.environments);

describe("S3 backend", () => {
  const result = synthFixture();

  it("gives every stack its own key, <project>/<env>/<layer>.tfstate, encrypted and S3-locked", () => {
    for (const [stack, json] of remoteStacks(result)) {
      const [, name, layer] = new RegExp(`^${config.project}-(\\w+)-(\\w+)$`).exec(stack) ?? [];
      const env = config.environments[name];
      expect(json.terraform?.backend?.s3).toEqual({
        bucket: env.state.backend === "s3" ? env.state.bucket : undefined,
        key: `${config.project}/${name}/${layer}.tfstate`,
        region: env.region,
        encrypt: true,
        use_lockfile: true,
        kms_key_id: `arn:aws:kms:${env.region}:${env.account}:alias/${config.project}-${name}-tfstate`,
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
    const input = fixtureWith("sandbox", (e) => {
      e.state = {
        backend: "s3",
        bucket: "shared-state-bucket",
        region: "us-east-1",
        keyPrefix: "teams/platform",
        kmsKeyId: "arn:aws:kms:us-east-1:444444444444:key/abcd",
        dynamodbTable: "tf-locks",
        bootstrap: false,
      };
    });
    const s3 = synthPlatform(input, { environments: ["sandbox"] }).stacks["fixture-sandbox-network"]
      .terraform?.backend?.s3;
    expect(s3).toEqual({
      bucket: "shared-state-bucket",
      key: "teams/platform/sandbox/network.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
      kms_key_id: "arn:aws:kms:us-east-1:444444444444:key/abcd",
      dynamodb_table: "tf-locks",
    });
  });

  it("asks for no KMS key it cannot know about when the bucket is not bootstrapped here", () => {
    const input = fixtureWith("sandbox", (e) => {
      if (e.state.backend === "s3") e.state.bootstrap = false;
    });
    const { stacks } = synthPlatform(input, { environments: ["sandbox"] });
    expect(stacks["fixture-sandbox-network"].terraform?.backend?.s3).not.toHaveProperty(
      "kms_key_id",
    );
    expect(stacks).not.toHaveProperty("fixture-sandbox-bootstrap");
  });

  it("reads another stack's values through terraform_remote_state on the producer's S3 key", () => {
    const { stacks } = withConsumer();
    for (const { name: env } of environments) {
      const { source, reference } = crossStackRead(stacks[`fixture-${env}-consumer`]);
      expect(source).toMatchObject({
        backend: "s3",
        config: {
          bucket: expect.stringContaining("fixture-tfstate-") as unknown,
          key: `fixture/${env}/network.tfstate`,
        },
      });
      const outputName = reference.split(".outputs.")[1].replace("}", "");
      expect(stacks[`fixture-${env}-network`].output).toHaveProperty(outputName);
    }
  });
});

describe("HCP Terraform (cloud) backend", () => {
  const cloud: EnvironmentInput["state"] = {
    backend: "cloud",
    organization: "acme",
    project: "platform",
  };
  const input = fixtureInput();
  input.environments[FIXTURE.nonProduction].state = cloud;
  // The CI roles are granted the S3 state bucket; HCP Terraform runs bring their own credentials.
  delete input.environments[FIXTURE.nonProduction].ci;
  delete input.environments[FIXTURE.production].ci;
  input.environments[FIXTURE.production].state = { ...cloud, hostname: "tfe.example.internal" };
  const result = withConsumer(input);

  it("uses one workspace per stack, named after the stack", () => {
    // The hcp stack creates the workspaces, so its own state is local, like bootstrap's.
    const inWorkspaces = Object.entries(result.stacks).filter(([s]) => !s.endsWith("-hcp"));
    expect(inWorkspaces.length).toBeLessThan(Object.keys(result.stacks).length);
    for (const [stack, json] of inWorkspaces) {
      expect(json.terraform?.backend).toBeUndefined();
      expect(json.terraform?.cloud).toEqual({
        organization: "acme",
        hostname: stack.startsWith(`fixture-${FIXTURE.production}-`)
          ? "tfe.example.internal"
          : "app.terraform.io",
        workspaces: { name: stack, project: "platform" },
      });
    }
  });

  it("has no bootstrap stack: HCP Terraform keeps the state", () => {
    expect(Object.keys(result.stacks).filter((s) => s.endsWith("-bootstrap"))).toEqual([]);
  });

  it("reads another stack's values through the producer's workspace", () => {
    for (const { name: env } of environments) {
      const { source, reference } = crossStackRead(result.stacks[`fixture-${env}-consumer`]);
      expect(source).toMatchObject({
        backend: "remote",
        config: { organization: "acme", workspaces: { name: `fixture-${env}-network` } },
      });
      const outputName = reference.split(".outputs.")[1].replace("}", "");
      expect(result.stacks[`fixture-${env}-network`].output).toHaveProperty(outputName);
    }
  });
});

import { expect } from "vitest";
import { loadConfig, platformInput, type EnvironmentInput, type PlatformInput } from "../../config";
import { ConfigError } from "../../lib/validation";
import { fixtureInput } from "../fixtures/config";

/** A deep copy of the shipped configuration, so a test can break one value of it. */
export function shippedInput(): PlatformInput {
  return structuredClone(platformInput);
}

/** The shipped configuration with one environment changed by `edit`. */
export function withEnv(
  name: "dev" | "prod",
  edit: (env: EnvironmentInput) => void,
): PlatformInput {
  const input = shippedInput();
  edit(input.environments[name]);
  return input;
}

/** The message of the ConfigError that loading `input` throws; fails the test if it loads. */
export function rejection(input: unknown): string {
  try {
    loadConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected the configuration to be rejected");
}

/** The tests' own fixture configuration with one environment changed by `edit`. */
export function fixtureWith(
  name: "sandbox" | "live",
  edit: (env: EnvironmentInput) => void,
): PlatformInput {
  const input = fixtureInput();
  edit(input.environments[name]);
  return input;
}

import { platformInput, type EnvironmentInput, type PlatformInput } from "../../config";

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

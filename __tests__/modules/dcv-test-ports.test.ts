import { describe, expect, it } from "vitest";
import { freePorts } from "../helpers/nginx/ports";

describe("test helper freePorts", () => {
  it("never hands out the same port twice in one call", async () => {
    const ports = await freePorts(64);
    expect(new Set(ports).size).toBe(64);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});

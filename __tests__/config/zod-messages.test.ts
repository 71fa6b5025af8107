import { describe, expect, it } from "vitest";
import { fixtureWith, rejection, svc as services } from "../helpers/config";

/*
 * Union and record errors say what is allowed and why, not zod's bare "Invalid input" or
 * "Invalid key in record".
 */
describe("zod union and record errors", () => {
  it("explains a reserved aws: tag key", () => {
    expect(rejection(fixtureWith("sandbox", (e) => (e.tags = { "aws:owner": "me" })))).toBe(
      'Invalid configuration: environments.sandbox.tags.aws:owner: "aws:owner" is not allowed as a key here: tag keys starting with aws: are reserved for AWS\'s own tags; choose a key without that prefix',
    );
  });

  it("lists each listener form and why the value does not fit it, closest first", () => {
    const message = rejection(
      fixtureWith("live", (e) => {
        // The incomplete listener a user might write (the types would refuse it).
        Reflect.set(services(e).alb, "listener", { protocol: "https" });
      }),
    );
    expect(message).toBe(
      'Invalid configuration: environments.live.services.alb.listener: got {"protocol":"https"}, which fits none of the 3 allowed forms (form 1 { protocol, certificateArn }: certificateArn is required; form 2 { protocol, domain, hostedZoneId }: domain is required, hostedZoneId is required; form 3 { protocol, reason }: protocol must be "http", reason is required)',
    );
  });

  it("names the setting that makes a secret source fit neither form", () => {
    const message = rejection(
      fixtureWith("sandbox", (e) => {
        // Both sources at once.
        Reflect.set(services(e).services[0], "secrets", {
          API_TOKEN: {
            secretArn: "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:a-AbCdEf",
            ssmParameterArn: "arn:aws:ssm:ap-northeast-1:444444444444:parameter/a",
          },
        });
      }),
    );
    expect(message).toMatch(
      /environments\.sandbox\.services\.services\[0\]\.secrets\.API_TOKEN: got .*, which fits none of the 2 allowed forms \(form 1 \{ secretArn, jsonKey \}: "ssmParameterArn" is not a setting of this form; form 2 \{ ssmParameterArn \}: "secretArn" is not a setting of this form\)/,
    );
  });
});

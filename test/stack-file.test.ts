import { describe, expect, it } from "vitest";
import { parseStackConfig, projectName, StackConfigError } from "../src/config/stack-file";

describe("reading stack files offline", () => {
  it("namespaces the tenant key by project and keeps unquoted dates as strings", () => {
    const c = parseStackConfig(
      "auth0-tenant",
      "dev",
      "config:\n  auth0:domain: a.eu.auth0.com\n  auth0-tenant:tenant:\n    x: 2027-01-31T00:00:00Z\n",
    );
    expect(c.domain).toBe("a.eu.auth0.com");
    expect(c.tenant).toEqual({ x: "2027-01-31T00:00:00Z" });
  });

  it("rejects duplicate keys with the file and line", () => {
    expect(() => parseStackConfig("p", "dev", "config:\n  p:tenant: {}\n  p:tenant: {}\n")).toThrow(
      /Pulumi\.dev\.yaml: invalid YAML: duplicated mapping key.*\(3:3\)/s,
    );
  });

  it("says which key is missing", () => {
    expect(() => parseStackConfig("p", "dev", "config:\n  auth0:domain: x\n")).toThrow(StackConfigError);
    expect(() => parseStackConfig("p", "dev", "config:\n  auth0:domain: x\n")).toThrow('config key "p:tenant" is missing');
  });

  it("needs a project name", () => {
    expect(() => projectName("runtime: nodejs\n")).toThrow("Pulumi.yaml: missing project name");
  });
});

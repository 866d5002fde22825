import { describe, expect, it } from "vitest";
import type { LocalTenant } from "../../src/local-tenant";
import { localClientId } from "../../src/local-tenant/clients";
import { describeLocalTenant, MAX_LISTED_APPS } from "../../src/local-tenant/describe";

/** Only what the start banner reads of a started tenant. */
function fakeTenant(apps: number): LocalTenant {
  const clients = new Map(
    Array.from({ length: apps }, (_, i) => {
      const app = { key: `app-${i}`, type: "m2m", grants: { orders: ["orders:read"] }, credentials: [{ name: "k1", algorithm: "RS256" }] };
      return [localClientId("dev", app.key), { clientId: localClientId("dev", app.key), app }] as const;
    }),
  );
  const endpoint = { clients, domainAudiences: ["https://dev.eu.auth0.com/"] };
  return { url: "http://localhost:4000", issuer: "http://localhost:4000/", protocol: "http", endpoint } as unknown as LocalTenant;
}

describe("the local tenant's start banner", () => {
  it("lists every application of a small tenant", () => {
    const text = describeLocalTenant(fakeTenant(3), "dev");
    for (const i of [0, 1, 2]) expect(text).toContain(`app-${i}`);
    expect(text).not.toContain("more applications");
  });

  it(`lists the first ${MAX_LISTED_APPS} applications of a large tenant and says how to see the rest`, () => {
    const text = describeLocalTenant(fakeTenant(MAX_LISTED_APPS + 7), "dev");
    expect(text).toContain(`app-${MAX_LISTED_APPS - 1} `);
    expect(text).not.toContain(`app-${MAX_LISTED_APPS} `);
    expect(text).toContain("… and 7 more applications (all of them with their local client ids: GET http://localhost:4000/local/clients)");
  });

  it("the token command names the project's directory when it is not the current one", () => {
    const hint = (dir: string) =>
      describeLocalTenant(fakeTenant(1), "dev", { dir, cwd: "/repo" })
        .split("\n")
        .find((l) => l.includes("token --local"));
    expect(hint("infra/auth0")).toContain(" --dir infra/auth0 --stack dev ");
    expect(hint(".")).not.toContain("--dir");
    expect(hint("/repo")).not.toContain("--dir");
  });

  it("paths it prints are single shell words, whatever they hold", async () => {
    const { execFileSync } = await import("node:child_process");
    const { shellWord } = await import("../../src/text/shell-word");
    for (const value of ["/tmp/plain-dir/ca.pem", "/tmp/sp ace/tls dir/ca.pem", 'it\'s $HOME `x` \\ "q"', "ünï/ca.pem"]) {
      expect(execFileSync("sh", ["-c", `printf %s ${shellWord(value)}`], { encoding: "utf8" })).toBe(value);
    }
    const hint = describeLocalTenant(fakeTenant(1), "dev", { dir: "my infra/auth0", cwd: "/repo" });
    expect(hint).toContain(" --dir 'my infra/auth0' --stack dev ");
  });

  it("local client ids are stable: the SHA-256 of the stack and app, as every earlier start gave", () => {
    expect(localClientId("dev", "billing")).toBe("IxjQwrMnHhUJFibfExbxFDt1llCBbBIx");
  });
});

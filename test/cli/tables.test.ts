import { stripVTControlCharacters } from "node:util";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { table } from "../../src/text/table";
import { cli } from "../support/cli";

const root = path.resolve(__dirname, "../..");
const words = (text: string) => new Set(stripVTControlCharacters(text).split(/[\s,;]+/));
const widest = (text: string) =>
  Math.max(
    ...stripVTControlCharacters(text)
      .split("\n")
      .map((l) => l.length),
  );

describe("tables at 80 columns: fitted, and nothing cut (names, key ids, scopes, URLs are copied from them)", () => {
  it("long credential names, thumbprints, scopes and URLs stay whole words", () => {
    const rows = [
      [
        "reporting-service-eu",
        "reporting-service-eu-prod-2026-12-07",
        "RS256",
        "2048",
        "371Wgpe2qgbwHgImamNQbp3ot3A-XOgqnq58pwdsh1I",
        "2027-09-30",
        "https://reports.acme.example/api/v2 -> reports:read reports:export orders:delete orders:read",
      ],
    ];
    const text = table(["app", "credential", "alg", "bits", "thumbprint (RFC 7638)", "expires", "grants"], rows, 80);
    expect(widest(text)).toBeLessThanOrEqual(80);
    expect(text).not.toContain("…");
    for (const value of rows[0]!.flatMap((v) => v.split(" "))) expect(words(text), value).toContain(value);
  });

  it("a table that fits is laid out as before, one line per row", () => {
    expect(table(["a", "bb"], [["x", "y"]], 80)).toBe("a  bb\n-  --\nx  y");
    expect(table(["a", "bb"], [["x", "y"]])).toBe("a  bb\n-  --\nx  y");
  });

  it.each([[["plan"]], [["plan", "--stack", "prod"]], [["keys", "status"]], [["keys", "status", "--stack", "prod"]]])(
    "%j on an 80-column terminal",
    async (args) => {
      const tty = await cli(args, { cwd: root, tty: true, columns: 80 });
      expect(tty.code, tty.stderr).toBe(0);
      expect(widest(tty.stdout)).toBeLessThanOrEqual(80);
      expect(tty.stdout).not.toContain("…");
      const stack = args.includes("prod") ? "prod" : "dev";
      const plan = JSON.parse((await cli(["plan", "--json", "--stack", stack], { cwd: root })).stdout);
      const seen = words(tty.stdout);
      for (const app of plan.applications) {
        for (const c of app.credentials) {
          expect(seen, c.name).toContain(c.name);
          expect(seen, c.thumbprint).toContain(c.thumbprint);
        }
        if (args[0] === "plan") for (const g of app.grants) for (const s of g.scopes) expect(seen, s).toContain(s);
      }
      if (args[0] === "plan") for (const api of plan.apis) expect(seen, api.identifier).toContain(api.identifier);
    },
  );
});

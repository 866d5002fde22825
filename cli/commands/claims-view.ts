import { table, wrapWords } from "../../src/text/table";
import type { Io } from "../io";

/** What `action` and `login` show a person: the tokens' claims as a table, then what was dropped, the deny, the logs. */
export interface ClaimsView {
  heading: string;
  tokens: { token: string; claims: Record<string, unknown> | null }[];
  dropped: { claim: string; token: string; reason: string }[];
  denied: { code?: string; reason: string } | null;
  logs: string[];
}

export function renderClaims(view: ClaimsView, io: Pick<Io, "columns" | "look">): string {
  const rows = view.tokens.flatMap(({ token, claims }) =>
    claims === null ? [] : Object.entries(claims).map(([claim, value]) => [token, claim, JSON.stringify(value)]),
  );
  const out = [...wrapWords(view.heading, io.columns, "  ").map((l) => io.look.heading(l)), ""];
  if (view.denied) out.push(io.look.risk("high", `denied: ${view.denied.reason}${view.denied.code ? ` (${view.denied.code})` : ""}`), "");
  out.push(rows.length ? table(["token", "claim", "value"], rows, io.columns) : "(no claims)");
  if (view.dropped.length) {
    out.push("", io.look.risk("medium", "dropped by Auth0 (never reach the token):"));
    out.push(
      table(
        ["token", "claim", "why"],
        view.dropped.map((d) => [d.token, d.claim, d.reason]),
        io.columns,
      ),
    );
  }
  if (view.logs.length) out.push("", io.look.bold("logs:"), ...view.logs.map((l) => `  ${l}`));
  return out.join("\n") + "\n";
}

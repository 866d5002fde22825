import * as path from "node:path";
import { dirFlag, shellWord } from "../text/shell-word";
import { table } from "../text/table";
import type { LocalTenant } from ".";
import { defaultTlsDir } from "./tls";

/** A tenant of thousands of applications is summed up at start, not listed: the first ones, then how to see all. */
export const MAX_LISTED_APPS = 50;

/** What `npx auth0-tenant tenant local` prints at start: where it is, the one line to trust it, the clients, a token command. */
export function describeLocalTenant(
  tenant: LocalTenant,
  stack: string,
  project: { dir: string; cwd: string; usersFile?: string } = { dir: ".", cwd: "." },
): string {
  const { url, issuer, endpoint } = tenant;
  const port = new URL(url).port;
  const lines = [
    `Local tenant for stack ${stack} at ${url} (issuer ${issuer})`,
    `  discovery       ${url}/.well-known/openid-configuration`,
    `  token endpoint  ${url}/oauth/token`,
    `  JWKS            ${url}/.well-known/jwks.json`,
    `  assertion aud   ${issuer} (also accepted: ${endpoint.domainAudiences.join(", ")})`,
    `  (it listens on 127.0.0.1; ${url.replace("localhost", "127.0.0.1")} works too, and the issuer is then that URL)`,
  ];
  if (tenant.tls) {
    lines.push(
      "",
      tenant.tls.generated
        ? `A local CA and a certificate for localhost, 127.0.0.1 and ::1 were generated in ${tenant.tls.dir}.`
        : `Certificate and local CA from ${tenant.tls.dir}.`,
      "Trust the CA in the shell that runs your service (Node reads it at start):",
      `  export NODE_EXTRA_CA_CERTS=${shellWord(tenant.tls.caPath)}`,
    );
  }
  const clients = [...endpoint.clients.values()];
  lines.push(
    "",
    table(
      ["app", "local client id", "credentials (alg)", "grants"],
      clients.slice(0, MAX_LISTED_APPS).map((c) => [
        c.app.key,
        c.clientId,
        (c.app.credentials ?? []).map((k) => `${k.name} (${k.algorithm})`).join(", "),
        c.app.type === "m2m"
          ? Object.entries(c.app.grants)
              .map(([api, s]) => `${api}: ${s.join(" ")}`)
              .join("; ")
          : "-",
      ]),
    ),
  );
  if (clients.length > MAX_LISTED_APPS) {
    lines.push(
      `… and ${clients.length - MAX_LISTED_APPS} more applications (all of them with their local client ids: GET ${url}/local/clients)`,
    );
  }
  const example = clients.find((c) => c.app.type === "m2m");
  if (example) {
    lines.push(
      "",
      `Get a token (with the private key of one of ${example.app.key}'s credentials):`,
      `  npx auth0-tenant token --local --port ${port}${tenant.protocol === "http" ? " --http" : ""}${caOption(tenant)}${dirFlag(project.dir, project.cwd)} --stack ${stack} --app ${example.app.key} --key <private.pem>`,
    );
  }
  lines.push("", ...describeLogin(tenant, project.usersFile));
  return lines.join("\n");
}

/** The token command trusts the CA of the default directory by itself; one kept elsewhere (--tls-dir) is named. */
const caOption = (tenant: LocalTenant) =>
  tenant.tls && path.resolve(tenant.tls.dir) !== path.resolve(defaultTlsDir()) ? ` --ca ${shellWord(tenant.tls.caPath)}` : "";

/** The user login: where to point a web app or SPA, who can log in, and each web application's client. */
function describeLogin(tenant: LocalTenant, usersFile: string | undefined): string[] {
  const login = tenant.login;
  if (!login) return [];
  const { url } = tenant;
  const lines = [
    "User login (authorization code with PKCE; the post-login actions run in the flow; docs/local-login.md):",
    `  authorize       ${url}/authorize`,
    `  userinfo        ${url}/userinfo`,
    `  logout          ${url}/v2/logout, ${url}/oidc/logout`,
    login.userCount > 0
      ? `  test users      ${login.userCount} from ${usersFile ?? "the caller"}`
      : "  test users      none: write local/users.yaml, or start with --users <file>",
  ];
  const clients = [...login.clients.values()];
  if (clients.length === 0) return [...lines, "  (the stack declares no web application: nobody can log in)"];
  lines.push(
    "",
    table(
      ["web app", "local client id", "token endpoint auth", "callbacks"],
      clients
        .slice(0, MAX_LISTED_APPS)
        .map((c) => [c.app.key, c.clientId, c.authMethod === "none" ? "none (public, PKCE)" : c.authMethod, c.app.callbacks.join(" ")]),
    ),
  );
  return lines;
}

import { table } from "../text/table";
import type { LocalTenant } from ".";

/** What `npx auth0-tenant tenant local` prints at start: where it is, the one line to trust it, the clients, a token command. */
export function describeLocalTenant(tenant: LocalTenant, stack: string): string {
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
      `  export NODE_EXTRA_CA_CERTS=${tenant.tls.caPath}`,
    );
  }
  const clients = [...endpoint.clients.values()];
  lines.push(
    "",
    table(
      ["app", "local client id", "credentials (alg)", "grants"],
      clients.map((c) => [
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
  const example = clients.find((c) => c.app.type === "m2m");
  if (example) {
    lines.push(
      "",
      `Get a token (with the private key of one of ${example.app.key}'s credentials):`,
      `  npx auth0-tenant token --local --port ${port}${tenant.protocol === "http" ? " --http" : ""} --stack ${stack} --app ${example.app.key} --key <private.pem>`,
    );
  }
  lines.push("", "Ctrl-C stops it.");
  return lines.join("\n");
}

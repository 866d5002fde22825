import { parseArgs } from "node:util";
import { table } from "../src/plan/render";
import { startLocalTenant } from "../src/local-tenant";

const USAGE = "usage: npm run tenant:local [-- --stack dev --port 4010 --custom-domain login.acme.example]";

async function main() {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      port: { type: "string", default: "4010" },
      dir: { type: "string", default: process.cwd() },
      "custom-domain": { type: "string" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port}: a port number (0 picks a free one)\n${USAGE}`);
  const tenant = await startLocalTenant({
    dir: values.dir,
    stack: values.stack,
    port,
    ...(values["custom-domain"] ? { customDomain: values["custom-domain"] } : {}),
  });
  const clients = [...tenant.endpoint.clients.values()];
  console.log(`Local tenant for stack ${values.stack} at ${tenant.url} (issuer ${tenant.endpoint.issuer})`);
  console.log(`  token endpoint  ${tenant.url}/oauth/token`);
  console.log(`  JWKS            ${tenant.url}/.well-known/jwks.json`);
  console.log(`  assertion aud   ${tenant.endpoint.audiences.join(" or ")}`);
  console.log("");
  console.log(
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
    console.log("");
    console.log(`Get a token (with the private key of one of ${example.app.key}'s credentials):`);
    console.log(
      `  npm run token -- --local --port ${tenant.url.split(":").pop()} --stack ${values.stack} --app ${example.app.key} --key <private.pem>`,
    );
  }
  console.log("\nCtrl-C stops it.");
  const stop = () => void tenant.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});

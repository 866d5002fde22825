import { startLocalTenant } from "../src/local-tenant";
import { describeLocalTenant } from "../src/local-tenant/describe";
import { describeManagementApi, managementClientFromFlags } from "../src/local-tenant/management/cli";
import { parseCliArgs, runCli } from "./common";

const USAGE =
  "usage: npm run tenant:local [-- --stack dev --port 4010 --custom-domain login.acme.example --http --tls-dir <dir>" +
  " --management-key <public.pem> --management-client-id <id> --management-scopes read|all|'read:clients …']";

async function main(): Promise<number> {
  const parsed = parseCliArgs(
    {
      options: {
        stack: { type: "string", default: "dev" },
        port: { type: "string", default: "4010" },
        dir: { type: "string", default: process.cwd() },
        "custom-domain": { type: "string" },
        http: { type: "boolean", default: false },
        "tls-dir": { type: "string" },
        "management-key": { type: "string" },
        "management-client-id": { type: "string" },
        "management-scopes": { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${values.port}: a port number (0 picks a free one)\n${USAGE}`);
    return 2;
  }
  const management = values["management-key"]
    ? await managementClientFromFlags({
        stack: values.stack,
        keyFile: values["management-key"],
        ...(values["management-client-id"] ? { clientId: values["management-client-id"] } : {}),
        ...(values["management-scopes"] ? { scopes: values["management-scopes"] } : {}),
      })
    : undefined;
  const tenant = await startLocalTenant({
    dir: values.dir,
    stack: values.stack,
    port,
    protocol: values.http ? "http" : "https",
    ...(values["tls-dir"] ? { tlsDir: values["tls-dir"] } : {}),
    ...(values["custom-domain"] ? { customDomain: values["custom-domain"] } : {}),
    ...(management ? { managementClients: [management] } : {}),
  });
  console.log(describeLocalTenant(tenant, values.stack));
  console.log(`\n${describeManagementApi(tenant)}`);
  // Runs until stopped; exit() so that nothing the action runtime keeps open holds the process.
  const stop = () => void tenant.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return new Promise<number>(() => {});
}

runCli(main);

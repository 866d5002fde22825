import { readFile } from "node:fs/promises";
import { localClientId, localKid } from "../src/local-tenant";
import { clientCredentialsToken, inspectToken, thumbprintOfPrivateKey } from "../src/local-tenant/client";
import { readLocalCa } from "../src/local-tenant/tls";
import { parseCliArgs, planForCli, runCli } from "./common";

const USAGE = `usage: npm run token -- --app <key> --key <private.pem> [--audience <API identifier>] [--scope "a b"] [--stack dev]
         (--local [--port 4010] [--http | --ca <ca.pem>] | --domain <tenant domain> --client-id <deployed client id>)`;

async function main(): Promise<number> {
  const parsed = parseCliArgs(
    {
      options: {
        app: { type: "string" },
        key: { type: "string" },
        audience: { type: "string" },
        scope: { type: "string", multiple: true, default: [] },
        stack: { type: "string", default: "dev" },
        dir: { type: "string", default: process.cwd() },
        local: { type: "boolean", default: false },
        port: { type: "string", default: "4010" },
        http: { type: "boolean", default: false },
        ca: { type: "string" },
        domain: { type: "string" },
        "client-id": { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  if (!values.app || !values.key || values.local === (values.domain !== undefined)) {
    console.error(USAGE);
    return 2;
  }
  const plan = await planForCli(values.dir, values.stack);
  if (!plan) return 1;
  const { spec, domain: stackDomain } = plan;
  const app = spec.applications[values.app];
  if (!app) {
    console.error(
      `--app ${values.app}: not declared in stack ${values.stack} (applications: ${Object.keys(spec.applications).join(", ")})`,
    );
    return 2;
  }
  let privateKeyPem: string;
  let thumbprint: string;
  try {
    privateKeyPem = await readFile(values.key, "utf8");
    thumbprint = await thumbprintOfPrivateKey(privateKeyPem);
  } catch (e) {
    console.error(`--key ${values.key}: not a readable private key (${(e as Error).message})`);
    return 2;
  }
  const credential = (app.credentials ?? []).find((c) => c.key.thumbprint === thumbprint);
  if (!credential) {
    console.error(
      `--key ${values.key}: its public key (thumbprint ${thumbprint}) is not a credential of ${app.key} (credentials: ${(app.credentials ?? []).map((c) => `${c.name} ${c.key.thumbprint}`).join(", ") || "none"})`,
    );
    return 2;
  }
  const audience = values.audience ?? (app.type === "m2m" ? spec.apis[Object.keys(app.grants)[0] ?? ""]?.identifier : undefined);
  if (!audience) {
    console.error("--audience is required (the application has no grant to default to)");
    return 2;
  }
  const domain = values.local ? stackDomain : values.domain;
  if (!domain) {
    console.error(`auth0:domain is not set in Pulumi.${values.stack}.yaml`);
    return 2;
  }
  const base = values.local ? `${values.http ? "http" : "https"}://localhost:${values.port}` : `https://${domain}`;
  const clientId = values.local ? localClientId(spec.stack, app.key) : values["client-id"];
  if (!clientId) {
    console.error("--client-id is required with --domain: the deployed client id (pulumi stack output applications)");
    return 2;
  }
  // Over HTTPS to the local tenant: trust its CA (--ca, else the one npm run tenant:local cached).
  let ca: string | undefined;
  if (values.ca) {
    try {
      ca = await readFile(values.ca, "utf8");
    } catch (e) {
      console.error(`--ca ${values.ca}: ${(e as Error).message}`);
      return 2;
    }
  } else if (values.local && !values.http) ca = readLocalCa();
  const transport = ca !== undefined ? { ca } : {};
  const scope = values.scope.join(" ").trim();
  let result: Awaited<ReturnType<typeof clientCredentialsToken>>;
  try {
    result = await clientCredentialsToken({
      baseUrl: base,
      clientId,
      privateKeyPem,
      alg: credential.algorithm,
      ...(values.local ? { kid: localKid(credential) } : {}),
      audience,
      ...(scope ? { scope } : {}),
      ...transport,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const untrusted = values.local && /CERT|SIGNATURE|self.signed|unable to verify/i.test(`${err.code} ${err.message}`);
    const hint = untrusted
      ? "\nthe local tenant's certificate is not trusted: pass --ca <its tls dir>/ca.pem (npm run tenant:local prints the path), or --http if it runs with --http"
      : values.local && err.code === "ECONNREFUSED"
        ? `\nis npm run tenant:local running on port ${values.port}?`
        : values.local && err.code === "EPROTO"
          ? "\nthe local tenant may run with --http: add --http"
          : values.local && values.http && err.code === "ECONNRESET"
            ? "\nthe local tenant serves HTTPS unless started with --http: drop --http"
            : "";
    console.error(`${base}: ${err.message.trim()}${hint}`);
    return 1;
  }
  const { discovered, response } = result;
  if (response.status !== 200) {
    console.error(`HTTP ${response.status}: ${JSON.stringify(response.body)}`);
    return 1;
  }
  const token = String(response.body.access_token);
  const inspected = await inspectToken(token, discovered.jwks_uri, discovered.issuer, transport);
  console.log(
    JSON.stringify(
      {
        credential: credential.name,
        header: inspected.header,
        payload: inspected.payload,
        signature: "verified against the issuer's JWKS",
      },
      null,
      2,
    ),
  );
  return 0;
}

runCli(main);

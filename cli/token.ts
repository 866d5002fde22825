import { readFile } from "node:fs/promises";
import { localClientId, localKid } from "../src/local-tenant";
import { clientAssertion, inspectToken, requestToken, thumbprintOfPrivateKey } from "../src/local-tenant/client";
import { ASSERTION_TYPE } from "../src/local-tenant/assertion";
import { parseCliArgs, planForCli, runCli } from "./common";

const USAGE = `usage: npm run token -- --app <key> --key <private.pem> [--audience <API identifier>] [--scope "a b"] [--stack dev]
         (--local [--port 4010] | --domain <tenant domain> --client-id <deployed client id>)`;

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
  const base = values.local ? `http://127.0.0.1:${values.port}` : `https://${domain}`;
  const clientId = values.local ? localClientId(spec.stack, app.key) : values["client-id"];
  if (!clientId) {
    console.error("--client-id is required with --domain: the deployed client id (pulumi stack output applications)");
    return 2;
  }
  const issuer = `https://${domain}/`;
  const assertion = await clientAssertion({
    clientId,
    privateKeyPem,
    alg: credential.algorithm,
    audience: issuer,
    ...(values.local ? { kid: localKid(credential) } : {}),
  });
  const scope = values.scope.join(" ").trim();
  const response = await requestToken(`${base}/oauth/token`, {
    grant_type: "client_credentials",
    client_id: clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    audience,
    ...(scope ? { scope } : {}),
  });
  if (response.status !== 200) {
    console.error(`HTTP ${response.status}: ${JSON.stringify(response.body)}`);
    return 1;
  }
  const token = String(response.body.access_token);
  const inspected = await inspectToken(token, `${base}/.well-known/jwks.json`, issuer);
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

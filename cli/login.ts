import { readFile } from "node:fs/promises";
import { postLoginEvent } from "../src/actions/events";
import { runTrigger } from "../src/actions/runtime";
import { localClientId } from "../src/local-tenant";
import { parseCliArgs, planForCli, runCli } from "./common";

const USAGE =
  "usage: npm run login -- --app <key> --user <user.json> --connection <name> [--strategy auth0] [--audience <API identifier>] [--stack dev]";

/** A post-login preview: runs the bound post-login actions on a sample login and prints the claims tokens would get. */
async function main(): Promise<number> {
  const parsed = parseCliArgs(
    {
      options: {
        app: { type: "string" },
        user: { type: "string" },
        connection: { type: "string" },
        strategy: { type: "string", default: "auth0" },
        audience: { type: "string" },
        stack: { type: "string", default: "dev" },
        dir: { type: "string", default: process.cwd() },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  if (!values.app || !values.user || !values.connection) {
    console.error(USAGE);
    return 2;
  }
  const plan = await planForCli(values.dir, values.stack);
  if (!plan) return 1;
  const { spec, domain } = plan;
  const app = spec.applications[values.app];
  if (!app) {
    console.error(
      `--app ${values.app}: not declared in stack ${values.stack} (applications: ${Object.keys(spec.applications).join(", ")})`,
    );
    return 2;
  }
  if (values.audience && !Object.values(spec.apis).some((a) => a.identifier === values.audience)) {
    console.error(`--audience ${values.audience}: no such API in stack ${values.stack}`);
    return 2;
  }
  let user: Record<string, unknown>;
  try {
    user = JSON.parse(await readFile(values.user, "utf8"));
  } catch (e) {
    console.error(`--user ${values.user}: ${(e as Error).message}`);
    return 2;
  }
  if (typeof user.user_id !== "string") {
    console.error(`--user ${values.user}: needs a "user_id" string`);
    return 2;
  }
  const clientId = localClientId(spec.stack, app.key);
  const event = postLoginEvent({
    user: user as { user_id: string },
    connection: { name: values.connection, strategy: values.strategy },
    client: { client_id: clientId, name: app.name, metadata: app.metadata },
    ...(values.audience ? { resourceServer: { identifier: values.audience } } : {}),
  });
  const bound = spec.triggers["post-login"].map((k) => ({ key: k, code: spec.actions[k]!.bundle.code }));
  const result = await runTrigger(bound, "post-login", event);
  const iat = Math.floor(Date.now() / 1000);
  const issuer = `https://${domain ?? "tenant.local"}/`;
  const profile = Object.fromEntries(
    ["email", "email_verified", "name", "nickname", "picture"].filter((k) => k in user).map((k) => [k, user[k]]),
  );
  console.log(
    JSON.stringify(
      {
        actions: bound.map((b) => b.key),
        denied: result.denied ?? null,
        idToken: result.denied
          ? null
          : { iss: issuer, sub: user.user_id, aud: clientId, iat, exp: iat + 36000, ...profile, ...result.idTokenClaims },
        accessToken:
          result.denied || !values.audience
            ? null
            : { iss: issuer, sub: user.user_id, aud: values.audience, azp: clientId, iat, ...result.accessTokenClaims },
        dropped: result.dropped,
        logs: result.logs,
      },
      null,
      2,
    ),
  );
  return result.denied ? 3 : 0;
}

runCli(main);

import type { Command } from "commander";
import { InputFileError } from "../../src/errors";
import { existing, stackName } from "./arguments";
import { renderClaims } from "./claims-view";
import { EXIT, UsageError, type Io } from "../io";
import { dirOption, json, pick, planOrReport } from "./shared";

const fileOption = async (file: string, option: string, what: string) => {
  const { readJsonObject } = await import("../../src/config/json-file");
  try {
    return await readJsonObject(file, what);
  } catch (e) {
    if (e instanceof InputFileError) throw new UsageError(`${option} ${e.message}`);
    throw e;
  }
};

export function actionCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  program
    .command("action")
    .description("run one bundled action on an event file, in the isolated action runtime (exit 3 when it denies)")
    .argument("<action>", "the action's key in the spec")
    .requiredOption("--event <file>", "a JSON event (partial: the rest is filled in)", existing("--event", io.cwd))
    .option("-s, --stack <name>", "the stack", stackName(), "dev")
    .option("--secret <NAME=value...>", "action secrets (never part of a plan)")
    .option("--allow-network", "let the action reach the network (blocked by default)")
    .option("--json", "JSON on stdout (the default when stdout is not a terminal; a terminal gets a table)")
    .addOption(dirOption(io))
    .action((key: string, opts: { event: string; stack: string; secret?: string[]; allowNetwork?: boolean; json?: boolean; dir: string }) =>
      run(async () => {
        const plan = await planOrReport(io, opts.dir, opts.stack);
        if (typeof plan === "number") return plan;
        const action = pick(plan.model.actions, key, "<action>", "action");
        const partial = await fileOption(opts.event, "--event", "an event");
        const secrets: Record<string, string> = {};
        for (const s of opts.secret ?? []) {
          const at = s.indexOf("=");
          if (at < 1) throw new UsageError(`--secret ${s}: expected NAME=value`);
          secrets[s.slice(0, at)] = s.slice(at + 1);
        }
        const { completeEvent } = await import("../../src/actions/events");
        const { runAction } = await import("../../src/actions/runtime");
        const r = await runAction(action.bundle.code, action.trigger, completeEvent(action.trigger, partial), {
          secrets,
          allowNetwork: opts.allowNetwork === true,
          action: key,
        });
        if (io.isTTY && !opts.json) {
          io.out(
            renderClaims(
              {
                heading: `${key} (${action.trigger}), bundle ${action.bundle.sha256.slice(0, 16)}, ${r.durationMs.toFixed(1)} ms`,
                tokens: [
                  ...(action.trigger === "post-login" ? [{ token: "id", claims: r.idTokenClaims }] : []),
                  { token: "access", claims: r.accessTokenClaims },
                ],
                dropped: r.dropped,
                denied: r.denied ?? null,
                logs: r.logs,
              },
              io,
            ),
          );
          return r.denied ? EXIT.denied : EXIT.ok;
        }
        io.out(
          json(
            {
              action: key,
              trigger: action.trigger,
              bundleSha256: action.bundle.sha256,
              ...(action.trigger === "post-login" ? { idTokenClaims: r.idTokenClaims } : {}),
              accessTokenClaims: r.accessTokenClaims,
              dropped: r.dropped,
              denied: r.denied ?? null,
              durationMs: Number(r.durationMs.toFixed(3)),
              logs: r.logs,
            },
            io,
          ),
        );
        return r.denied ? EXIT.denied : EXIT.ok;
      }),
    );

  program
    .command("login")
    .description(
      "preview a login's claims without a browser: run the bound post-login actions on a user file and print the ID and access token claims (for a real login with the SDKs or a browser: `tenant local`, docs/local-login.md)",
    )
    .requiredOption("--app <key>", "a web application of the spec (one users log in to)")
    .requiredOption("--user <file>", "the user's profile as JSON (needs user_id)", existing("--user", io.cwd))
    .requiredOption("--connection <name>", "the connection the user logs in with (e.g. google-oauth2)")
    .option("--strategy <strategy>", "the connection's strategy", "auth0")
    .option("--audience <identifier>", "an API's identifier, for an access token")
    .option("--json", "JSON on stdout (the default when stdout is not a terminal; a terminal gets a table)")
    .option("-s, --stack <name>", "the stack", stackName(), "dev")
    .addOption(dirOption(io))
    .action(
      (opts: {
        app: string;
        user: string;
        connection: string;
        strategy: string;
        audience?: string;
        json?: boolean;
        stack: string;
        dir: string;
      }) =>
        run(async () => {
          const plan = await planOrReport(io, opts.dir, opts.stack);
          if (typeof plan === "number") return plan;
          const app = pick(plan.spec.applications, opts.app, "--app", "application");
          if (app.type === "m2m") {
            throw new UsageError(
              `--app ${app.key} is a machine-to-machine application: users never log in to it (no post-login runs for it); preview its tokens with \`auth0-tenant token\``,
            );
          }
          if (opts.audience && !Object.values(plan.spec.apis).some((a) => a.identifier === opts.audience)) {
            throw new UsageError(
              `--audience ${opts.audience}: no API with this identifier in stack ${opts.stack} (identifiers: ${Object.values(plan.spec.apis)
                .map((a) => a.identifier)
                .join(", ")})`,
            );
          }
          const user = await fileOption(opts.user, "--user", "a user profile");
          if (typeof user.user_id !== "string") throw new UsageError(`--user ${opts.user}: needs a "user_id" string`);
          const { localClientId } = await import("../../src/local-tenant/clients");
          const { boundActions, runPostLogin } = await import("../../src/local-tenant/bound");
          const clientId = localClientId(plan.spec.stack, app.key);
          const result = await runPostLogin(plan, app.key, {
            user: user as { user_id: string },
            connection: { name: opts.connection, strategy: opts.strategy },
            ...(opts.audience ? { audience: opts.audience } : {}),
          });
          const iat = Math.floor(Date.now() / 1000);
          const issuer = `https://${plan.domain ?? "tenant.local"}/`;
          const profile = Object.fromEntries(
            ["email", "email_verified", "name", "nickname", "picture"].filter((k) => k in user).map((k) => [k, user[k]]),
          );
          const actions = boundActions(plan.model, "post-login").map((b) => b.key);
          const idToken = result.denied
            ? null
            : { iss: issuer, sub: user.user_id, aud: clientId, iat, exp: iat + 36000, ...profile, ...result.idTokenClaims };
          const accessToken =
            result.denied || !opts.audience
              ? null
              : { iss: issuer, sub: user.user_id, aud: opts.audience, azp: clientId, iat, ...result.accessTokenClaims };
          io.out(
            io.isTTY && !opts.json
              ? renderClaims(
                  {
                    heading: `${user.user_id} logs in to ${app.key} with ${opts.connection}: post-login runs ${actions.join(" → ") || "no actions"}`,
                    tokens: [
                      { token: "id", claims: idToken },
                      { token: "access", claims: accessToken },
                    ],
                    dropped: result.dropped,
                    denied: result.denied ?? null,
                    logs: result.logs,
                  },
                  io,
                )
              : json({ actions, denied: result.denied ?? null, idToken, accessToken, dropped: result.dropped, logs: result.logs }, io),
          );
          return result.denied ? EXIT.denied : EXIT.ok;
        }),
    );
}

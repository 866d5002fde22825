import type { Command } from "commander";
import type { clientCredentialsToken } from "../../src/local-tenant/client";
import { existing, privateKeyFile, stackName } from "./arguments";
import { EXIT, progress, UsageError, type Io } from "../io";
import { dirOption, intOption, json, pick, planOrReport } from "./shared";

export function localCommands(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  const tenant = program
    .command("tenant")
    .description("the local tenant: an Auth0-like token endpoint and Management API from a stack's plan");
  tenant
    .command("local")
    .description("serve a stack's plan over HTTPS on 127.0.0.1 (runs until stopped)")
    .option("-s, --stack <name>", "the stack", stackName(), "dev")
    .option("--port <port>", "the port (0 picks a free one)", "4010")
    .option("--http", "plain HTTP instead of HTTPS (for curl)")
    .option("--tls-dir <dir>", "where the local CA and certificate are kept")
    .option("--custom-domain <domain>", "also accept assertions for https://<domain>/")
    .option("--management-key <public.pem>", "register a Management API client with this public key", existing("--management-key", io.cwd))
    .option("--management-client-id <id>", "its client id")
    .option("--management-scopes <scopes>", "its scopes: read, all, or a list", "read")
    .option("--rate-limit <n[/seconds]>", "enforce a Management API rate limit: 429 past n requests per second (or per window)")
    .option(
      "--users <file>",
      "test users who can log in to the web applications (default: local/users.yaml when it exists)",
      existing("--users", io.cwd),
    )
    .addOption(dirOption(io))
    .action(
      (opts: {
        stack: string;
        port: string;
        http?: boolean;
        tlsDir?: string;
        customDomain?: string;
        managementKey?: string;
        managementClientId?: string;
        managementScopes: string;
        rateLimit?: string;
        users?: string;
        dir: string;
      }) =>
        run(async () => {
          const port = intOption(opts.port, "--port", 0, 65535, "a port number; 0 picks a free one");
          // Token signing keys are generated (in the thread pool) while the stack is planned.
          const { SigningKeys } = await import("../../src/local-tenant/signing-keys");
          const signingKeys = SigningKeys.generate();
          signingKeys.catch(() => undefined);
          const plan = await planOrReport(io, opts.dir, opts.stack);
          if (typeof plan === "number") return plan;
          const { startLocalTenant } = await import("../../src/local-tenant");
          const { describeLocalTenant } = await import("../../src/local-tenant/describe");
          const { describeManagementApi, managementClientFromFlags, parseRateLimit } =
            await import("../../src/local-tenant/management/cli");
          const management = opts.managementKey
            ? await managementClientFromFlags({
                stack: opts.stack,
                keyFile: opts.managementKey,
                ...(opts.managementClientId ? { clientId: opts.managementClientId } : {}),
                scopes: opts.managementScopes,
              })
            : undefined;
          const rateLimit = opts.rateLimit !== undefined ? parseRateLimit(opts.rateLimit) : undefined;
          const { defaultUsersFile, loadUsers, UsersFileError } = await import("../../src/local-tenant/login/users");
          const usersFile = opts.users ?? defaultUsersFile(opts.dir);
          let users;
          try {
            users = usersFile ? loadUsers(usersFile) : [];
          } catch (e) {
            if (!(e instanceof UsersFileError)) throw e;
            io.err(e.message + "\n");
            return EXIT.findings;
          }
          const starting = progress(io, "starting the local tenant");
          let local;
          try {
            local = await startLocalTenant({
              dir: opts.dir,
              stack: opts.stack,
              plan,
              signingKeys,
              port,
              protocol: opts.http ? "http" : "https",
              ...(opts.tlsDir ? { tlsDir: opts.tlsDir } : {}),
              ...(opts.customDomain ? { customDomain: opts.customDomain } : {}),
              ...(management ? { managementClients: [management] } : {}),
              ...(rateLimit ? { rateLimit } : {}),
              users,
            });
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
              throw new UsageError(
                `--port ${port} is in use (another local tenant?): stop it, or pick another port with --port <n> (0 picks a free one)`,
              );
            }
            throw e;
          } finally {
            starting.done();
          }
          // Runs until stopped; exit() so that nothing the action runtime keeps open holds the process. The handlers
          // are in place before the banner says it serves: a supervisor that stops it on that line stops it cleanly.
          const stop = () => void local.close().then(() => process.exit(EXIT.ok));
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
          io.out(
            `${describeLocalTenant(local, opts.stack, { dir: opts.dir, cwd: io.cwd, ...(usersFile ? { usersFile } : {}) })}\n\n${describeManagementApi(local)}\n\nCtrl-C stops it.\n`,
          );
          return new Promise<number>(() => undefined);
        }),
    );

  program
    .command("token")
    .description("get a client-credentials token with private_key_jwt, from the local tenant or a real one, and verify it")
    .requiredOption("--app <key>", "the application")
    .requiredOption("--key <private.pem>", "the private key of one of its credentials", privateKeyFile("--key", io.cwd))
    .option("--audience <identifier>", "the API (default: the app's first grant)")
    .option("--scope <scopes...>", "scopes to ask for (default: every granted scope)")
    .option("-s, --stack <name>", "the stack", stackName(), "dev")
    .option("--local", "the local tenant (auth0-tenant tenant local)")
    .option("--port <port>", "the local tenant's port", "4010")
    .option("--http", "the local tenant runs with --http")
    .option("--ca <ca.pem>", "the CA to trust (default: the local tenant's cached CA)", existing("--ca", io.cwd))
    .option("--domain <domain>", "a real tenant's domain")
    .option("--client-id <id>", "the deployed client id, with --domain (pulumi stack output applications)")
    .option("--raw", 'only the access token, verified (for curl -H "Authorization: Bearer $(auth0-tenant token … --raw)")')
    .addOption(dirOption(io))
    .action(
      (opts: {
        app: string;
        key: string;
        audience?: string;
        scope?: string[];
        stack: string;
        local?: boolean;
        port: string;
        http?: boolean;
        ca?: string;
        domain?: string;
        clientId?: string;
        raw?: boolean;
        dir: string;
      }) =>
        run(async () => {
          if ((opts.local === true) === (opts.domain !== undefined))
            throw new UsageError("give exactly one of --local (the local tenant) and --domain <tenant domain>");
          const port = intOption(opts.port, "--port", 1, 65535, "a port number");
          const plan = await planOrReport(io, opts.dir, opts.stack);
          if (typeof plan === "number") return plan;
          const { readRegularFile } = await import("../../src/config/regular-file");
          const { localClientId, localKid } = await import("../../src/local-tenant/clients");
          const { clientCredentialsToken, inspectToken, thumbprintOfPrivateKey } = await import("../../src/local-tenant/client");
          const { readLocalCa } = await import("../../src/local-tenant/tls");
          const { grantsOf } = await import("../../src/kinds/application/spec");
          const app = pick(plan.spec.applications, opts.app, "--app", "application");
          let privateKeyPem: string;
          let thumbprint: string;
          try {
            privateKeyPem = await readRegularFile(opts.key);
            thumbprint = await thumbprintOfPrivateKey(privateKeyPem);
          } catch (e) {
            throw new UsageError(`--key ${opts.key}: not a readable private key (${(e as Error).message})`);
          }
          const credential = (app.credentials ?? []).find((c) => c.key.thumbprint === thumbprint);
          if (!credential) {
            throw new UsageError(
              `--key ${opts.key}: its public key (thumbprint ${thumbprint}) is not a credential of ${app.key} (credentials: ${(app.credentials ?? []).map((c) => `${c.name} ${c.key.thumbprint}`).join(", ") || "none"})`,
            );
          }
          const audience = opts.audience ?? plan.spec.apis[Object.keys(grantsOf(app))[0] ?? ""]?.identifier;
          if (!audience) throw new UsageError("--audience is required (the application has no grant to default to)");
          const domain = opts.local ? plan.domain : opts.domain;
          if (!domain) throw new UsageError(`auth0:domain is not set in Pulumi.${opts.stack}.yaml`);
          const base = opts.local ? `${opts.http ? "http" : "https"}://localhost:${port}` : `https://${domain}`;
          const clientId = opts.local ? localClientId(plan.spec.stack, app.key) : opts.clientId;
          if (!clientId)
            throw new UsageError("--client-id is required with --domain: the deployed client id (pulumi stack output applications)");
          const ca = opts.ca ? await readRegularFile(opts.ca) : opts.local && !opts.http ? readLocalCa() : undefined;
          const transport = ca !== undefined ? { ca } : {};
          const scope = (opts.scope ?? []).join(" ").trim();
          let result: Awaited<ReturnType<typeof clientCredentialsToken>>;
          try {
            result = await clientCredentialsToken({
              baseUrl: base,
              clientId,
              privateKeyPem,
              alg: credential.algorithm,
              ...(opts.local ? { kid: localKid(credential) } : {}),
              audience,
              ...(scope ? { scope } : {}),
              ...transport,
            });
          } catch (e) {
            io.err(`${connectionProblem(e as NodeJS.ErrnoException, base, opts)}\n`);
            return EXIT.findings;
          }
          const { discovered, response } = result;
          if (response.status !== 200) {
            io.err(`HTTP ${response.status}: ${JSON.stringify(response.body)}\n`);
            return EXIT.findings;
          }
          const accessToken = String(response.body.access_token);
          const inspected = await inspectToken(accessToken, discovered.jwks_uri, discovered.issuer, transport);
          if (opts.raw) {
            io.out(`${accessToken}\n`);
            return EXIT.ok;
          }
          io.out(
            json(
              {
                credential: credential.name,
                header: inspected.header,
                payload: inspected.payload,
                signature: "verified against the issuer's JWKS",
              },
              io,
            ),
          );
          return EXIT.ok;
        }),
    );
}

/** Why a token request did not reach a tenant, and what to do about it. */
function connectionProblem(err: NodeJS.ErrnoException, base: string, opts: { local?: boolean; http?: boolean; port: string }): string {
  const text = `${err.code ?? ""} ${err.message} ${(err.cause as Error | undefined)?.message ?? ""}`;
  const code = err.code ?? (err.cause as NodeJS.ErrnoException | undefined)?.code;
  if (!opts.local) return `${base}: ${err.message.trim()}`;
  if (code === "ECONNREFUSED")
    return `no local tenant at ${base} — start it with \`npx auth0-tenant tenant local${opts.port !== "4010" ? ` --port ${opts.port}` : ""}${opts.http ? " --http" : ""}\``;
  if (/CERT|SIGNATURE|self.signed|unable to verify/i.test(text)) {
    return `${base}: the local tenant's certificate is not trusted: pass --ca <its tls dir>/ca.pem (tenant local prints the path), or --http if it runs with --http`;
  }
  if (code === "EPROTO") return `${base}: the local tenant seems to run with --http: add --http`;
  if (opts.http && code === "ECONNRESET") return `${base}: the local tenant serves HTTPS unless started with --http: drop --http`;
  return `${base}: ${err.message.trim()}`;
}

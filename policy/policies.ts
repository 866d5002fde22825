import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { declaredClaimsOf } from "../src/actions/bundle";
import { claimNameProblem } from "../src/spec/claim-rules";
import type { TokenKind } from "../src/spec/triggers";
import { isProductionStack } from "../src/spec/stacks";
import { RESOURCE_TYPES } from "../src/model/desired";
import { MAX_CREDENTIALS } from "../src/spec/credentials";

/**
 * The project's rules as CrossGuard policies, so they also hold on real previews of any stack (including resources
 * someone declared outside the spec). Each policy is plain data + a function, unit-tested in test/policy.test.ts.
 */

/** urn:pulumi:<stack>::<project>::<type>::<name> */
export const stackOf = (urn: string) => urn.split(":")[2]?.split("::")[0] ?? "";

export const m2mUsesPrivateKeyJwt: StackValidationPolicy = {
  name: "m2m-uses-private-key-jwt",
  description: "Every machine-to-machine client authenticates with private_key_jwt (a ClientCredentials resource with its keys).",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const credentials = args.resources.filter((r) => r.type === RESOURCE_TYPES.ClientCredentials);
    for (const client of args.resources.filter((r) => r.type === RESOURCE_TYPES.Client && r.props.appType === "non_interactive")) {
      const own = credentials.filter((c) => (c.propertyDependencies?.clientId ?? []).some((d: PolicyResource) => d.urn === client.urn));
      if (!own.some((c) => c.props.authenticationMethod === "private_key_jwt")) {
        reportViolation(
          `M2M client ${client.name} has no private_key_jwt credentials: declare it under applications with type m2m and credentials`,
          client.urn,
        );
      }
    }
  },
};

export const noClientSecrets: ResourceValidationPolicy = {
  name: "no-client-secrets",
  description: "Client credentials never use or carry a client secret.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (args.type !== RESOURCE_TYPES.ClientCredentials) return;
    const method = args.props.authenticationMethod;
    if (method !== "private_key_jwt")
      reportViolation(`authenticationMethod is ${JSON.stringify(method)}: only private_key_jwt is allowed (no client secrets)`);
    if (args.props.clientSecret !== undefined || args.props.clientSecretWo !== undefined)
      reportViolation("a client secret is set: remove it, keys live in keys/ as public keys");
  },
};

export const atMostTwoCredentials: ResourceValidationPolicy = {
  name: "at-most-two-credentials",
  description: `An application holds at most ${MAX_CREDENTIALS} credentials (Auth0's limit; rotation needs the second slot).`,
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (args.type !== RESOURCE_TYPES.ClientCredentials) return;
    const count = (args.props.privateKeyJwt?.credentials ?? []).length;
    if (count > MAX_CREDENTIALS) reportViolation(`${count} credentials: at most ${MAX_CREDENTIALS}; retire one before adding another`);
  },
};

const LITERAL_CLAIM_CALL = /(idToken|accessToken)\.setCustomClaim\(\s*(["'`])([^"'`]+)\2/g;

export const claimNamesKept: ResourceValidationPolicy = {
  name: "claim-names-kept",
  description: "Actions set only claims Auth0 keeps (no reserved names, no Auth0-owned namespaces, no header parameters).",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (args.type !== RESOURCE_TYPES.Action || typeof args.props.code !== "string") return;
    const code = args.props.code as string;
    const checks: { name: string; token: TokenKind }[] = [];
    for (const c of declaredClaimsOf(code) ?? []) for (const t of c.tokens) checks.push({ name: c.name, token: t as TokenKind });
    for (const m of code.matchAll(LITERAL_CLAIM_CALL)) checks.push({ name: m[3]!, token: m[1] === "idToken" ? "id" : "access" });
    for (const { name, token } of checks) {
      const problem = claimNameProblem(name, token);
      if (problem) reportViolation(`claim ${name} on the ${token} token: ${problem}`);
    }
  },
};

export const productionProtected: ResourceValidationPolicy = {
  name: "production-protected",
  description: "Auth0 resources of prod* stacks are protected against deletion.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (!args.type.startsWith("auth0:") || !isProductionStack(stackOf(args.urn))) return;
    if (args.opts.protect !== true)
      reportViolation(`${args.name} is not protected in production stack ${stackOf(args.urn)} (the spec's protect flag must stay on)`);
  },
};

export const POLICIES = [m2mUsesPrivateKeyJwt, noClientSecrets, atMostTwoCredentials, claimNamesKept, productionProtected];

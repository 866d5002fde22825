import { claimsInCode } from "../../actions/literal-claims";
import { dict } from "../../dict";
import { RESOURCE_TYPES } from "../../model/desired";
import { adoptKeyOf } from "../../spec/adopt";
import { ACTION_RUNTIMES, TRIGGERS, type Trigger } from "../../spec/triggers";
import { shellWord } from "../../text/shell-word";
import { keyFor, type KindImport } from "../import-context";
import type { LiveAction } from "./live";

/** A config key for an action secret: `<actionKey in camelCase><SECRET_NAME in PascalCase>`, in the project's namespace. */
export function secretConfigKey(actionKey: string, secret: string): string {
  const camel = actionKey.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const pascal = secret
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
  return `${camel}${pascal || "Secret"}`;
}

function actionProblem(a: LiveAction): string | undefined {
  if (a.marketplace) return "installed from the marketplace (its code is not the tenant's to declare)";
  const trigger = TRIGGERS[a.trigger as Trigger];
  if (!trigger) return `written for the ${a.trigger} trigger (the spec declares post-login and credentials-exchange actions)`;
  if (a.triggerVersion && a.triggerVersion !== trigger.version)
    return `written for ${a.trigger} ${a.triggerVersion} (the spec deploys ${trigger.version})`;
  if (a.deployedCode === undefined) return "never deployed (importing it would deploy it)";
  if (!(ACTION_RUNTIMES as readonly string[]).includes(a.runtime))
    return `runtime ${a.runtime} (the spec allows ${ACTION_RUNTIMES.join(", ")})`;
  if (a.dependencies.length > 0)
    return `it uses npm dependencies (${a.dependencies.map((d) => `${d.name}@${d.version}`).join(", ")}), which the spec cannot declare (deploying it without them would break it)`;
  return undefined;
}

/** The tenant's deployed actions, each with the code Auth0 runs, written byte for byte under actions/imported/. */
export const actionImport: KindImport = {
  section: { key: "actions", title: ["Actions, with the code Auth0 runs (actions/imported/), bound below in their current order."] },
  run: (ctx) => {
    const used = new Set<string>();
    const actions = (ctx.sections.actions = dict());
    for (const a of ctx.live.actions) {
      const problem = actionProblem(a);
      if (problem) {
        ctx.skipped.push({ subject: `action ${a.name}`, text: `${problem}; not imported` });
        continue;
      }
      const key = keyFor(a.name, "action", used);
      ctx.keys.actionById.set(a.id, key);
      const source = `actions/imported/${key}.js`;
      ctx.files.push({ path: source, content: a.deployedCode! });
      const spec: Record<string, unknown> = { ...(a.name !== key ? { name: a.name } : {}), trigger: a.trigger, source, bundle: false };
      if (a.runtime !== "node22") spec.runtime = a.runtime;
      if (a.secrets.length > 0) {
        spec.secrets = Object.fromEntries(a.secrets.map((s) => [s, { config: secretConfigKey(key, s) }]));
        for (const s of a.secrets)
          ctx.secretCommands.push(
            `pulumi config set --secret --stack ${shellWord(ctx.options.stack)} ${secretConfigKey(key, s)} ${shellWord(`<the value of ${s}>`)}`,
          );
        ctx.updates.push({
          subject: `action ${key}`,
          text: `its secrets (${a.secrets.join(", ")}) are sent again from Pulumi config, and the action is redeployed: Auth0 never returns secret values`,
        });
      }
      ctx.updates.push({
        subject: `action ${key}`,
        text: "redeployed once with the same code (a new version of identical code): the provider does not read `deploy` back, so the second pulumi up sets it",
      });
      if (a.undeployedChanges)
        ctx.updates.push({
          subject: `action ${key}`,
          text: "the dashboard holds undeployed edits (a draft): the import takes the deployed code, and the second pulumi up overwrites the draft with it",
        });
      for (const c of claimsInCode(a.deployedCode!)) ctx.claims.push({ action: key, name: c.name, token: c.token });
      ctx.comment(
        `actions.${key}`,
        `deployed as written (bundle: false), byte for byte what Auth0 runs; its claims are set by its code, not declared here`,
      );
      actions[key] = spec;
      // The provider's read never sets `deploy` nor secret values (terraform-provider-auth0 v1.53.0 action/flatten.go).
      ctx.adoptWith(
        adoptKeyOf({ type: RESOURCE_TYPES.Action, name: key }),
        a.id,
        a.secrets.length > 0 ? ["deploy", "secrets"] : ["deploy"],
      );
    }
  },
};

import { ActionLoadError, BundleError, ProjectFileError } from "../errors";
import { formatPath, type SpecIssue } from "../spec/issues";
import type { ActionSpec, TenantSpec } from "../kinds/specs";
import type { Bundle, FileReader } from "./bundle";
import { commandBudget } from "../command-budget";
import { HOST_LIMITS, inspectBundle, sha256 } from "./sandbox";
import { ACTION_LIMITS, TRIGGERS } from "../spec/triggers";

export interface BuildContext {
  /** Reads project files (a working tree or a git revision). */
  readFile: FileReader;
  /** Where npm packages imported by actions resolve from: the project directory. */
  packagesDir: string;
}

/**
 * The build step between a validated spec and its model: bundles every action (its claim mapping compiled in),
 * checks the bundle's size and that it exports the trigger's handler. Only commands that deploy or run actions
 * ask for it; the key tool validates specs without it.
 */
export async function buildActions(spec: TenantSpec, ctx: BuildContext): Promise<{ bundles: Record<string, Bundle>; errors: SpecIssue[] }> {
  const errors: SpecIssue[] = [];
  const actions = Object.values(spec.actions);
  if (actions.length === 0) return { bundles: {}, errors };
  // esbuild is loaded only when there is an action to bundle: plans without actions stay fast.
  const bundleAction = actions.some((a) => a.bundle) ? (await import("./bundle")).bundleAction : undefined;
  const built = await Promise.all(actions.map((a) => buildOne(a, spec.stack, ctx, a.bundle ? bundleAction : undefined, errors)));
  const bundles: Record<string, Bundle> = {};
  built.forEach((bundle, i) => {
    if (bundle) bundles[actions[i]!.key] = bundle;
  });
  return { bundles, errors };
}

async function buildOne(
  action: ActionSpec,
  stack: string,
  ctx: BuildContext,
  bundleAction: typeof import("./bundle").bundleAction | undefined,
  errors: SpecIssue[],
): Promise<Bundle | undefined> {
  const at = formatPath(["actions", action.key, "source"]);
  const build = () => (bundleAction ? bundled(action, ctx, bundleAction, at, errors) : unbundled(action, ctx, at, errors));
  const budget = commandBudget();
  const bundle = await (budget ? budget.spend(`stack ${stack}: actions.${action.key} (${action.source}), its bundling`, build) : build());
  if (!bundle) return undefined;
  const before = errors.length;
  if (bundle.bytes > ACTION_LIMITS.codeBytes) {
    errors.push({
      path: at,
      code: "limit_exceeded",
      message: `${action.bundle ? "the bundle" : action.source} is ${bundle.bytes} bytes (at most ${ACTION_LIMITS.codeBytes}, an Auth0 limit)`,
    });
  }
  const { handler, version } = TRIGGERS[action.trigger];
  try {
    const what = `stack ${stack}: actions.${action.key} (${action.source}), its top level`;
    const inspected = await (commandBudget()?.action("load", bundle.code, HOST_LIMITS.loadTimeoutMs, what, (timeoutMs) =>
      inspectBundle(bundle.code, { timeoutMs }),
    ) ?? inspectBundle(bundle.code));
    if (!inspected.functions.includes(handler)) {
      errors.push({
        path: at,
        code: "handler_missing",
        message: `${action.source} exports no ${handler} function (${action.trigger} ${version} calls exports.${handler})`,
      });
    }
  } catch (e) {
    if (!(e instanceof ActionLoadError)) throw e;
    errors.push({ path: at, code: "bundle_failed", message: `${action.source}: ${e.message}` });
  }
  return errors.length > before ? undefined : bundle;
}

async function bundled(
  action: ActionSpec,
  ctx: BuildContext,
  bundleAction: typeof import("./bundle").bundleAction,
  at: string,
  errors: SpecIssue[],
): Promise<Bundle | undefined> {
  try {
    const config = { claims: action.claims, ...(action.deny ? { deny: action.deny } : {}) };
    return await bundleAction({
      source: action.source,
      readFile: ctx.readFile,
      runtime: action.runtime,
      config,
      packagesDir: ctx.packagesDir,
    });
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    errors.push({ path: at, code: "bundle_failed", message: `${action.source} does not bundle: ${e.message}` });
    return undefined;
  }
}

/**
 * `bundle: false`: the source file is the code, byte for byte (read like every project file: inside the project, a
 * regular file of bounded size). Nothing is compiled, prepended or resolved; the caller still checks its size and,
 * in the isolated host, its handler export.
 */
async function unbundled(action: ActionSpec, ctx: BuildContext, at: string, errors: SpecIssue[]): Promise<Bundle | undefined> {
  let code: string | undefined;
  try {
    code = await ctx.readFile(action.source);
  } catch (e) {
    if (!(e instanceof ProjectFileError)) throw e;
    errors.push({ path: at, code: "file_unreadable", message: e.message });
    return undefined;
  }
  if (code === undefined) {
    errors.push({ path: at, code: "file_not_found", message: `file ${action.source} not found` });
    return undefined;
  }
  return { code, sha256: sha256(code), bytes: Buffer.byteLength(code, "utf8") };
}

import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_TYPES, type Ref } from "../../src/model";
import { ProviderDouble } from "./provider-double";

/** One resource as the Pulumi engine would have received it. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  custom: boolean;
  /** What the engine receives besides inputs: parent, explicit and implicit dependencies (as type::name), protect. */
  parent?: string;
  dependencies?: string[];
  protect?: boolean;
  /** The `import` resource option: the id of an existing object the engine adopts instead of creating one. */
  importId?: string;
  /** The `ignoreChanges` resource option. */
  ignoreChanges?: string[];
}

/** urn:pulumi:stack::project::parent$type::name → "type::name" */
export function addressOfUrn(urn: string): string {
  const parts = urn.split("::");
  const name = parts.slice(3).join("::");
  const type = parts[2]!.split("$").pop()!;
  return `${type}::${name}`;
}

/** Output values the mocks give, so a test can predict what a reference resolves to. */
export const mockClientId = (appKey: string) => `${appKey}-client-id`;
export const mockId = (name: string) => `${name}-id`;

export function mockValueOf(r: Ref, identifiers: Record<string, string>): unknown {
  const { type, name, output } = r.$ref;
  if (type === RESOURCE_TYPES.Client && output === "clientId") return mockClientId(name);
  if (type === RESOURCE_TYPES.ResourceServer && output === "identifier") return identifiers[name];
  if (output === "id") return mockId(name);
  throw new Error(`no mock value for ${type}::${name}.${output}`);
}

export const STACK_REFERENCE = "pulumi:pulumi:StackReference";

const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void>; getMonitor(): unknown };

/**
 * Runs `body` as a Pulumi program under mocks with the given stack config and returns every registration.
 * No Pulumi CLI, provider plugin or network is involved.
 */
export async function underMocks<T>(
  options: {
    project?: string;
    stack: string;
    config: Record<string, unknown>;
    secretKeys?: string[];
    /** What this stack's last deployment exported (read back by the rotation guard); none by default. */
    lastOutputs?: Record<string, unknown>;
    /**
     * The provider double that validates each Auth0 registration and answers with the state the provider would
     * store; a fresh one by default, so no test relies on mocks accepting anything.
     */
    provider?: ProviderDouble;
    /**
     * The state the provider reads for a resource declared with the `import` option (its id): adopted resources get
     * it, and their id, as their outputs. Undefined: the resource is registered like any other.
     */
    imported?: (type: string, name: string, id: string) => Record<string, unknown> | undefined;
  },
  body: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; registered: Registered[]; stackReferences: string[] }> {
  const registered: Registered[] = [];
  const stackReferences: string[] = [];
  const project = options.project ?? "auth0-tenant";
  const provider = options.provider ?? new ProviderDouble();
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(options.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
    options.secretKeys ?? [],
  );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type === STACK_REFERENCE) {
          stackReferences.push(args.inputs.name);
          return { id: args.name, state: { name: args.inputs.name, outputs: options.lastOutputs ?? {}, secretOutputNames: [] } };
        }
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true });
        const stored = provider.state.get(`${args.type}::${args.name}`);
        const imported = args.id && !stored ? options.imported?.(args.type, args.name, args.id) : undefined;
        if (imported) return { id: args.id!, state: imported };
        const state = provider.register(args.type, args.name, args.inputs);
        // A resource the stack holds keeps its id and the ids Auth0 gave it (an update does not change them).
        if (stored?.state.clientId !== undefined) state.clientId = stored.state.clientId;
        return { id: stored?.id ?? mockId(args.name), state };
      },
      call: (args) => args.inputs,
    },
    project,
    options.stack,
    false,
    "organization",
  );
  // Wrap the mock monitor to see each registration as the engine would: parent, dependencies, protect.
  const graph = new Map<
    string,
    { parent?: string; dependencies: string[]; protect?: boolean; importId?: string; ignoreChanges?: string[] }
  >();
  const monitor = (settings as unknown as { getMonitor(): { registerResource(req: any, cb: unknown): unknown } }).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    graph.set(`${req.getType()}::${req.getName()}`, {
      ...(req.getParent() ? { parent: addressOfUrn(req.getParent()) } : {}),
      dependencies: (req.getDependenciesList() as string[]).map(addressOfUrn).sort(),
      protect: req.getProtect(),
      ...(req.getImportid() ? { importId: req.getImportid() } : {}),
      ...(req.getIgnorechangesList().length > 0 ? { ignoreChanges: req.getIgnorechangesList() } : {}),
    });
    return register(req, cb);
  };
  let result: T | undefined;
  let error: unknown;
  try {
    result = await body();
  } catch (e) {
    error = e;
  }
  await settings.waitForRPCs();
  for (const r of registered) Object.assign(r, graph.get(`${r.type}::${r.name}`) ?? {});
  return { ...(result !== undefined ? { result } : {}), ...(error !== undefined ? { error } : {}), registered, stackReferences };
}

/** Resolves once every output inside `value` has a value. */
export const settle = <T>(value: T): Promise<pulumi.Unwrap<T>> =>
  new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as pulumi.Unwrap<T>)));

export const customResources = (registered: Registered[]) => registered.filter((r) => r.custom);

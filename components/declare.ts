import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import {
  addressOf,
  RESOURCE_TYPES,
  resolveRefs,
  type Address,
  type ComponentAddress,
  type DesiredResource,
  type Ref,
  type ResourceType,
} from "../src/model";

/** The provider class behind each resource type of the model. */
const PROVIDER_CLASSES = {
  [RESOURCE_TYPES.ResourceServer]: auth0.ResourceServer,
  [RESOURCE_TYPES.ResourceServerScopes]: auth0.ResourceServerScopes,
  [RESOURCE_TYPES.Client]: auth0.Client,
  [RESOURCE_TYPES.ClientCredentials]: auth0.ClientCredentials,
  [RESOURCE_TYPES.ClientGrant]: auth0.ClientGrant,
  [RESOURCE_TYPES.Action]: auth0.Action,
  [RESOURCE_TYPES.TriggerActions]: auth0.TriggerActions,
  [RESOURCE_TYPES.Role]: auth0.Role,
  [RESOURCE_TYPES.RolePermissions]: auth0.RolePermissions,
} as const satisfies Record<ResourceType, unknown>;

export type ProviderResource<T extends ResourceType> = InstanceType<(typeof PROVIDER_CLASSES)[T]>;

type AnyResourceClass = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The one place that declares provider resources: a model DesiredResource becomes the provider resource, with its
 * references resolved to the outputs of resources declared before it, its secrets read from Pulumi secret config,
 * and the parent, protect and dependsOn the model gives. Components only say which model they declare.
 */
export class Declarer {
  private readonly resources = new Map<string, pulumi.CustomResource>();
  private readonly components = new Map<string, pulumi.ComponentResource>();

  constructor(private readonly secret: (configKey: string) => pulumi.Output<string>) {}

  /** Registers a component so that the resources whose model names it as parent are parented to it. */
  adopt(component: pulumi.ComponentResource, address: ComponentAddress): void {
    this.components.set(addressOf(address), component);
  }

  declare<T extends ResourceType>(resource: DesiredResource<T>): ProviderResource<T> {
    const parent = this.components.get(addressOf(resource.parent));
    if (!parent) throw new Error(`${addressOf(resource)}: its parent ${addressOf(resource.parent)} is not declared yet`);
    const inputs = resolveRefs(
      resource.inputs,
      (r) => this.output(r),
      (s) => this.secret(s.$secret.config),
    );
    const dependsOn = resource.dependsOn.map((a) => this.get(a));
    const Class = PROVIDER_CLASSES[resource.type] as unknown as AnyResourceClass;
    const declared = new Class(resource.name, inputs, {
      parent,
      protect: resource.protect,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      // Adopts an existing Auth0 object on the first `pulumi up` (the spec's adopt:); ignored once it is in the state.
      ...(resource.importId !== undefined ? { import: resource.importId } : {}),
      // The adopt run leaves these inputs as the provider reads them, so the import step matches with zero
      // differences: the engine resets ignored paths to the read values before it compares (pulumi v3.248.0
      // pkg/resource/deploy/step.go ImportStep.Apply and step_generator.go processIgnoreChanges; before v3.174.0 the
      // import step itself diffed after processIgnoreChanges and failed on any difference). docs/adopting-a-tenant.md.
      ...(resource.ignoreChanges !== undefined ? { ignoreChanges: resource.ignoreChanges } : {}),
    });
    this.resources.set(addressOf(resource), declared);
    return declared as ProviderResource<T>;
  }

  /** Resolves every Ref inside a value (e.g. the stack outputs of the model) to the output it names. */
  resolve<T>(value: T): unknown {
    return resolveRefs(
      value,
      (r) => this.output(r),
      () => {
        throw new Error("stack outputs never carry secrets");
      },
      (a) => this.output(a.$after).apply(() => a.value),
    );
  }

  private get(address: Address): pulumi.CustomResource {
    const found = this.resources.get(addressOf(address));
    if (!found) throw new Error(`${addressOf(address)} is referenced before it is declared (the model's declaration order is wrong)`);
    return found;
  }

  private output(r: Ref): pulumi.Output<unknown> {
    const value = (this.get(r.$ref) as unknown as Record<string, unknown>)[r.$ref.output];
    if (!pulumi.Output.isInstance(value)) throw new Error(`${addressOf(r.$ref)} has no output "${r.$ref.output}"`);
    return value;
  }
}

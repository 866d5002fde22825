import { createHash } from "node:crypto";
import { addressOf, resolveRefs, type DesiredState } from "../../src/model/desired";

/**
 * A checkpoint as `pulumi stack export` writes it after `pulumi up` deployed a plan: an apitype.UntypedDeployment with
 * a DeploymentV3 (pulumi v3.248.0 sdk/go/common/apitype/core.go): the stack, the components and each custom resource
 * with its URN (parents' types joined by `$`, sdk/go/common/resource/urn/urn.go New), id, inputs as the bridge stores
 * them (`__defaults`, secrets as sig objects with ciphertext) and outputs. Ids are made up, one per resource.
 */
export function checkpointOf(project: string, desired: DesiredState) {
  const stackType = "pulumi:pulumi:Stack";
  const stackUrn = `urn:pulumi:${desired.stack}::${project}::${stackType}::${project}-${desired.stack}`;
  const qualified = new Map<string, string>();
  const urn = (type: string, name: string, parentAddress?: string) => {
    const q = parentAddress ? `${qualified.get(parentAddress)}$${type}` : type;
    qualified.set(`${type}::${name}`, q);
    return `urn:pulumi:${desired.stack}::${project}::${q}::${name}`;
  };
  const idOf = (address: string) => createHash("sha256").update(address).digest("hex").slice(0, 24);
  const secret = (value: unknown) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: `v1:${Buffer.from(JSON.stringify(value ?? null)).toString("base64")}`,
  });
  const outputsOf = new Map<string, Record<string, unknown>>();
  const resources: Record<string, unknown>[] = [
    { urn: stackUrn, custom: false, type: stackType, outputs: {} },
    {
      urn: `urn:pulumi:${desired.stack}::${project}::pulumi:providers:auth0::default_3_49_0`,
      custom: true,
      id: "provider-id",
      type: "pulumi:providers:auth0",
      inputs: { version: "3.49.0" },
      outputs: { version: "3.49.0" },
    },
  ];
  for (const c of desired.components)
    resources.push({
      urn: urn(c.type, c.name, c.parent ? addressOf(c.parent) : undefined),
      custom: false,
      type: c.type,
      parent: c.parent ? `urn:pulumi:${desired.stack}::${project}::${qualified.get(addressOf(c.parent))}::${c.parent.name}` : stackUrn,
    });
  for (const r of desired.resources) {
    const id = idOf(addressOf(r));
    const inputs = resolveRefs(
      r.inputs,
      (ref) => outputsOf.get(`${ref.$ref.type}::${ref.$ref.name}`)?.[ref.$ref.output],
      (s) => secret(`<${s.$secret.config}>`),
    ) as Record<string, unknown>;
    const outputs = { ...structuredClone(inputs), id, clientId: r.type.endsWith("/client:Client") ? id : inputs.clientId };
    outputsOf.set(addressOf(r), outputs);
    resources.push({
      urn: urn(r.type, r.name, addressOf(r.parent)),
      custom: true,
      id,
      type: r.type,
      inputs: { __defaults: [], ...inputs },
      outputs,
      parent: `urn:pulumi:${desired.stack}::${project}::${qualified.get(addressOf(r.parent))}::${r.parent.name}`,
      provider: `${resources[1]!.urn}::provider-id`,
      ...(r.protect ? { protect: true } : {}),
    });
  }
  return { version: 3, deployment: { manifest: { time: "2026-12-01T00:00:00Z", magic: "", version: "v3.248.0" }, resources } };
}

import { z } from "zod";
import { currentLimits, describeLimit } from "../command-budget";
import { FileRefused, readRegularFile } from "../config/regular-file";
import { UsageError } from "../errors";
import { excerpt } from "../excerpt";
import { formatPath, type PathSegment } from "../spec/issues";
import { DEFAULTED, SECRET, UNKNOWN, type Baseline, type BaselineResource } from "./diff";

/**
 * `--previous <file>`: the last deployment, as `pulumi stack export` writes it (an apitype.UntypedDeployment holding a
 * DeploymentV3: pulumi v3.248.0 sdk/go/common/apitype/core.go, UntypedDeployment, DeploymentV3, ResourceV3), or as
 * `pulumi stack output --json` writes the stack's outputs. Untrusted input: read within the command's read limit,
 * checked with zod, every problem named by its path in the file.
 */

/** pulumi v3.248.0 sdk/go/common/resource/sig/sig.go: the key and values that mark a secret and other special values. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** pkg/resource/stack/deployment.go computedValuePlaceholder: a value that was unknown when the state was written. */
const COMPUTED = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/**
 * pulumi-terraform-bridge pkg/reservedkeys/keys.go (Defaults) and pkg/tfbridge/schema.go: each object of a bridged
 * resource's inputs lists under `__defaults` the properties the bridge filled in from the schema's defaults; the
 * program did not set them, and leaving them out again fills in the same values.
 */
const DEFAULTS_KEY = "__defaults";

/** pulumi v3.248.0 sdk/go/common/resource/urn/urn.go: urn:pulumi:<stack>::<project>::<qualified type>::<name>. */
const URN = /^urn:pulumi:(.*?)::(.*?)::(.*?)::([\s\S]*)$/;

const resourceV3 = z
  .object({
    urn: z.string().regex(URN, "not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)"),
    custom: z.boolean().optional(),
    delete: z.boolean().optional(),
    id: z.string().optional(),
    type: z.string().min(1),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
    protect: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    const qualified = URN.exec(r.urn)?.[3] ?? "";
    if (qualified.slice(qualified.lastIndexOf("$") + 1) !== r.type)
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `is ${r.type}, but the URN says ${qualified.slice(qualified.lastIndexOf("$") + 1)}`,
      });
  });

const untypedDeployment = z.object({
  version: z.union([z.literal(3), z.literal(4)], {
    error: (i) => `is ${excerpt(i.input, 20)}; allowed: 3 or 4 (the deployment versions pulumi stack export writes)`,
  }),
  features: z.array(z.string()).optional(),
  deployment: z.object({
    resources: z.array(resourceV3).optional(),
    pending_operations: z.array(z.unknown()).optional(),
  }),
});

export type PreviousFile =
  | { kind: "checkpoint"; stack: string; project: string; baseline: Baseline; outputs: Record<string, unknown> }
  | { kind: "outputs"; outputs: unknown };

const bad = (file: string, problem: string) =>
  new UsageError(
    `--previous ${file}: ${problem} (expected the output of \`pulumi stack output --json\`, or of \`pulumi stack export\` for a resource diff)`,
  );

/** Reads --previous: a checkpoint (resource-level) or stack outputs (client ids and key fingerprints only). */
export function readPreviousFile(file: string): PreviousFile {
  let text: string;
  try {
    const limits = currentLimits();
    text = readRegularFile(file, { bytes: limits.readBytes, text: describeLimit("readBytes", limits) });
  } catch (e) {
    if (e instanceof FileRefused) throw bad(file, e.reason);
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not JSON: ${(e as Error).message}`);
  }
  return parsePrevious(file, value);
}

export function parsePrevious(file: string, value: unknown): PreviousFile {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(file, "(root): not a JSON object");
  if (!Object.hasOwn(value, "deployment") && !Object.hasOwn(value, "version")) return { kind: "outputs", outputs: value };
  const parsed = untypedDeployment.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${formatPath(i.path as PathSegment[])}: ${i.message}`);
    const more = parsed.error.issues.length > 5 ? `; and ${parsed.error.issues.length - 5} more` : "";
    throw bad(file, `not a Pulumi deployment: ${issues.join("; ")}${more}`);
  }
  const resources = parsed.data.deployment.resources ?? [];
  const seen = new Set<string>();
  for (const [i, r] of resources.entries()) {
    if (seen.has(r.urn) && !r.delete) throw bad(file, `deployment.resources[${i}].urn: ${excerpt(r.urn, 200)} appears twice`);
    seen.add(r.urn);
  }
  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const [, stack = "", project = ""] = URN.exec(resources[0]?.urn ?? "") ?? [];
  const custom = resources.filter((r) => r.custom === true && !r.delete && !r.type.startsWith("pulumi:providers:"));
  const pending = parsed.data.deployment.pending_operations?.length ?? 0;
  return {
    kind: "checkpoint",
    stack,
    project,
    outputs: (stackResource?.outputs ?? {}) as Record<string, unknown>,
    baseline: {
      source: `the last deployment (${file}, stack ${stack || "?"}, ${custom.length} resources)`,
      match: "address",
      resources: custom.map((r): BaselineResource => {
        const outputs = decode(r.outputs ?? {}) as Record<string, unknown>;
        return {
          type: r.type,
          name: URN.exec(r.urn)![4]!,
          ...(r.id !== undefined ? { id: r.id } : {}),
          inputs: decode(r.inputs ?? {}) as Record<string, unknown>,
          outputs: r.id !== undefined ? { ...outputs, id: r.id } : outputs,
        };
      }),
      notes:
        pending > 0
          ? [
              `the checkpoint records ${pending} operation(s) still pending (an update was interrupted): pulumi refresh settles them; the objects they touched may differ from what is shown`,
            ]
          : [],
    },
  };
}

/** A property value of the checkpoint as the diff compares it: secrets and unknowns opaque, bridge metadata aside. */
function decode(value: unknown): unknown {
  if (value === COMPUTED) return UNKNOWN;
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value !== "object" || value === null) return value;
  const o = value as Record<string, unknown>;
  if (Object.hasOwn(o, SIG_KEY)) {
    if (o[SIG_KEY] === SECRET_SIG) return SECRET;
    if (o[SIG_KEY] === OUTPUT_SIG) return o.secret === true ? SECRET : Object.hasOwn(o, "value") ? decode(o.value) : UNKNOWN;
    return UNKNOWN;
  }
  const out: Record<string | symbol, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === DEFAULTS_KEY) continue;
    if (k === "__proto__") Object.defineProperty(out, k, { value: decode(v), enumerable: true, writable: true, configurable: true });
    else out[k] = decode(v);
  }
  const defaults = o[DEFAULTS_KEY];
  if (Array.isArray(defaults) && defaults.length > 0)
    Object.defineProperty(out, DEFAULTED, { value: new Set(defaults.filter((d) => typeof d === "string")), enumerable: false });
  return out;
}

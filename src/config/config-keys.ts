/** A config key as written in the spec: `namespace:key`, or a bare key in the project's namespace (as Pulumi does). */
export function fullConfigKey(key: string, project: string): { full: string; namespace: string; name: string } {
  const at = key.indexOf(":");
  const namespace = at < 0 ? project : key.slice(0, at);
  const name = at < 0 ? key : key.slice(at + 1);
  return { full: `${namespace}:${name}`, namespace, name };
}

/** Looks a key up in a stack file's config values: `{ secure: … }` entries are secrets (never decrypted here). */
export function stackFileConfigLookup(values: Record<string, unknown>, project: string) {
  return (key: string): { secret: boolean; length?: number } | undefined => {
    const value = values[fullConfigKey(key, project).full];
    if (value === undefined) return undefined;
    if (typeof value === "object" && value !== null && "secure" in value) return { secret: true };
    return { secret: false, length: String(value).length };
  };
}

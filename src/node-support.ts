/**
 * Pulumi's nodejs runtime loads index.ts through ts-node as CommonJS, so every import of the program is a
 * `require()`. jose (keys, thumbprints, tokens) ships only as an ES module, which `require()` loads from Node 20.19
 * and 22.12 on (process.features.require_module); Node 21 and 22.0–22.11 would fail with ERR_REQUIRE_ESM.
 */
export const SUPPORTED_NODE = "^20.19.0 || >=22.12.0";

export function assertNodeCanRequireEsm(features: object = process.features, version: string = process.version): void {
  if ((features as { require_module?: boolean }).require_module === true) return;
  throw new Error(
    `auth0-tenant needs Node ${SUPPORTED_NODE} (it loads ES modules such as jose through require()); this is Node ${version}. ` +
      "Install a supported Node (e.g. 22 LTS) and run pulumi again.",
  );
}

import { assertNodeCanRequireEsm } from "./src/node-support";

// Stack outputs: per API its identifier and scopes; per application its client id and key fingerprints.
export = async () => {
  assertNodeCanRequireEsm();
  const { tenantProgram } = await import("./src/program");
  return (await tenantProgram(__dirname)).outputs;
};

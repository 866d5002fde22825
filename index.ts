import { tenantProgram } from "./src/program";

// Stack outputs: per API its identifier and scopes; per application its client id and key fingerprints.
export = async () => (await tenantProgram(__dirname)).outputs;

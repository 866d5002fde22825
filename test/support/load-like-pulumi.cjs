// Loads index.ts the way Pulumi's nodejs runtime does (vendored ts-node 7 + the project's typescript, type-checking on).
const path = require("path");
const root = process.argv[2];
const vendor = path.join(root, "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1");
require(vendor).register({
  compiler: require.resolve("typescript", { paths: [root] }),
  project: path.join(root, "tsconfig.json"),
  skipProject: false,
  compilerOptions: {},
});
const program = require(path.join(root, "index.ts"));
console.log("loaded index.ts; exports a", typeof program);

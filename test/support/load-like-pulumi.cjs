// Loads index.ts the way Pulumi's nodejs runtime does (vendored ts-node 7 + the project's typescript, type-checking
// on), then runs the exported program function as far as it gets outside the Pulumi engine. `--transpile-only` after
// the root turns the type-check off, for a run about what the program does rather than whether it type-checks.
const path = require("path");
const root = process.argv[2];
const transpileOnly = process.argv[3] === "--transpile-only";
const vendor = path.join(root, "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1");
require(vendor).register({
  compiler: require.resolve("typescript", { paths: [root] }),
  project: path.join(root, "tsconfig.json"),
  skipProject: false,
  compilerOptions: {},
  transpileOnly,
});
const program = require(path.join(root, "index.ts"));
console.log("loaded index.ts; exports a", typeof program);
program().then(
  () => console.log("program: ran"),
  (e) => console.log("program:", String(e && e.message).split("\n")[0]),
);

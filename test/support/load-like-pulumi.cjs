// Loads index.ts the way Pulumi's nodejs runtime does (vendored ts-node 7 + the project's typescript, type-checking
// on), then runs the exported program function as far as it gets outside the Pulumi engine. `--transpile-only` after
// the root turns the type-check off, for a run about what the program does rather than whether it type-checks.
const path = require("path");
const root = process.argv[2];
const transpileOnly = process.argv[3] === "--transpile-only";
const vendor = path.join(root, "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1");
const compiler = require.resolve("typescript", { paths: [root] });
const tsconfig = path.join(root, "tsconfig.json");
const ts = require(compiler);
// The options @pulumi/pulumi's cmd/run/run.js gives ts-node outside its ESM mode, with TypeScript >= 4.7: its defaults,
// then the project's compilerOptions over them (read as tsutils.js loadTypeScriptCompilerOptions reads them).
const fromProject = ts.parseConfigFileTextToJson(tsconfig, require("fs").readFileSync(tsconfig, "utf8")).config.compilerOptions ?? {};
require(vendor).register({
  compiler,
  project: tsconfig,
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...fromProject },
  transpileOnly,
});
const program = require(path.join(root, "index.ts"));
console.log("loaded index.ts; exports a", typeof program);
program().then(
  () => console.log("program: ran"),
  (e) => console.log("program:", String(e && e.message).split("\n")[0]),
);

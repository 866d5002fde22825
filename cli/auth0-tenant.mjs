#!/usr/bin/env node
// The `auth0-tenant` executable (package.json "bin"): loads tsx's hooks (as `node --import tsx` does), then the
// TypeScript CLI.
await import("tsx");
const cli = await import("./main.ts");
(cli.main ?? cli.default.main)();

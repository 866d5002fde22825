/**
 * The files `auth0-tenant init` writes into a new tenant repository, as text. One API, one machine-to-machine
 * application granted a scope on it (its first key is added by the key tool, like any later one), one claims action
 * bound to credentials-exchange, the dev stack, and CI like the tool's own: tests and the review comment on pull
 * requests, deployment from main, a scheduled drift check.
 */
export interface Scaffold {
  /** The Pulumi project name (also the config namespace: `<project>:tenant`). */
  project: string;
  /** The dev tenant's domain. */
  domain: string;
  /** The npm dependency spec of the tool (e.g. `file:../auth0-tenant`, `github:acme/auth0-tenant`). */
  tool: string;
}

export const APP = "backend";
export const API = "example-api";
export const ACTION = "client-claims";

export function templates(s: Scaffold): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${s.project}
description: An Auth0 tenant's auth configuration as code (auth0-tenant).
runtime:
  name: nodejs
  options:
    typescript: true
    packagemanager: npm
`,
    "tenant.yaml": `# The tenant every stack shares; each Pulumi.<stack>.yaml says \`extends: tenant.yaml\` and holds what differs.
apis:
  ${API}:
    identifier: https://api.${s.project}.example
    name: Example API
    scopes:
      data:read: Read data
applications:
  ${APP}:
    type: m2m
    name: Backend service
    metadata:
      tenant_id: ${s.project}
    grants:
      ${API}: [data:read]
actions:
  ${ACTION}:
    trigger: credentials-exchange
    source: actions/${ACTION}.ts
    claims:
      - name: https://${s.project}.example/tenant_id
        from: client.metadata.tenant_id
triggers:
  credentials-exchange: [${ACTION}]
`,
    "Pulumi.dev.yaml": `# The dev tenant: the shared definition in tenant.yaml plus what dev does differently (its keys).
config:
  auth0:domain: ${s.domain}
  ${s.project}:tenant:
    extends: tenant.yaml
`,
    "index.ts": `// The Pulumi program: the tenant this repository declares, through the auth0-tenant tool.
export = async () => {
  const { tenantProgram } = await import("auth0-tenant/src/program");
  return (await tenantProgram(__dirname)).outputs;
};
`,
    "package.json": `${JSON.stringify(
      {
        name: s.project,
        private: true,
        main: "index.ts",
        scripts: {
          test: `auth0-tenant plan --stack dev && auth0-tenant keys status --stack dev && auth0-tenant action ${ACTION} --event actions/events/m2m.json`,
          plan: "auth0-tenant plan",
          review: "auth0-tenant review",
          drift: "auth0-tenant drift",
          keys: "auth0-tenant keys",
        },
        devDependencies: { "auth0-tenant": s.tool },
      },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
        },
        include: ["index.ts", "actions/**/*.ts"],
      },
      null,
      2,
    )}\n`,
    ".gitignore": `node_modules/
# Private keys never enter the repository: \`auth0-tenant keys new\` writes them under ~/.config/auth0-tenant/.
*.key
*-private.pem
*.private.pem
private/
`,
    "actions/events/m2m.json": `${JSON.stringify(
      {
        client: { client_id: `${APP}-local`, name: "Backend service", metadata: { tenant_id: s.project } },
        resource_server: { identifier: `https://api.${s.project}.example` },
        transaction: { requested_scopes: ["data:read"] },
      },
      null,
      2,
    )}\n`,
    ".github/workflows/pull-request.yml": `# Pull requests: the tests, and the review of what the change does to auth, as a sticky comment.
name: pull request

on:
  pull_request:

permissions:
  contents: read
  pull-requests: write

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - run: npm test

  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - name: Review the auth changes
        id: review
        run: |
          set +e
          npm run --silent review -- --base "origin/\${{ github.base_ref }}" --all-stacks --fail-on high > review.md
          echo "code=$?" >> "$GITHUB_OUTPUT"
          cat review.md >> "$GITHUB_STEP_SUMMARY"
      - uses: marocchino/sticky-pull-request-comment@v2
        with:
          header: auth0-tenant-review
          path: review.md
      - name: Fail on high-risk changes
        if: steps.review.outputs.code != '0'
        run: exit 1
`,
    ".github/workflows/deploy.yml": `# main: deploy dev. The environment "dev" holds the deployer's credentials (AUTH0_CLIENT_ID,
# AUTH0_CLIENT_ASSERTION_PRIVATE_KEY) and a Pulumi token that may update the stack.
name: deploy

on:
  push:
    branches: [main]

permissions:
  contents: read

concurrency:
  group: deploy
  cancel-in-progress: false

jobs:
  dev:
    runs-on: ubuntu-latest
    environment: dev
    env:
      PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
      AUTH0_CLIENT_ID: \${{ secrets.AUTH0_CLIENT_ID }}
      AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: \${{ secrets.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY }}
      AUTH0_CLIENT_ASSERTION_SIGNING_ALG: RS256
    steps:
      - name: Check that the deployer credentials are configured
        run: |
          if [ -z "$PULUMI_ACCESS_TOKEN" ] || [ -z "$AUTH0_CLIENT_ID" ] || [ -z "$AUTH0_CLIENT_ASSERTION_PRIVATE_KEY" ]; then
            echo "::error::PULUMI_ACCESS_TOKEN, AUTH0_CLIENT_ID or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY is not set in the dev environment; nothing was deployed."
            exit 1
          fi
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - run: npm test
      - uses: pulumi/actions@v6
        with:
          command: up
          stack-name: dev
          refresh: true
`,
    ".github/workflows/drift.yml": `# Weekdays: the dev tenant against its stack's plan; fails on high-risk drift (a grant, a key or code made by hand).
# The environment "dev-preview" holds a read-only previewer (Management API read scopes) and a Pulumi read token.
name: drift

on:
  schedule:
    - cron: "17 6 * * 1-5"
  workflow_dispatch:

permissions:
  contents: read

jobs:
  drift:
    runs-on: ubuntu-latest
    environment: dev-preview
    env:
      PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
      AUTH0_CLIENT_ID: \${{ secrets.AUTH0_CLIENT_ID }}
      AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: \${{ secrets.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY }}
    steps:
      - name: Check that the previewer credentials are configured
        run: |
          if [ -z "$AUTH0_CLIENT_ID" ] || [ -z "$AUTH0_CLIENT_ASSERTION_PRIVATE_KEY" ]; then
            echo "::error::set the previewer's AUTH0_CLIENT_ID / AUTH0_CLIENT_ASSERTION_PRIVATE_KEY in the environment dev-preview."
            exit 1
          fi
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - run: npm run --silent drift -- --stack dev --format markdown --fail-on high > drift.md
      - if: always()
        run: cat drift.md >> "$GITHUB_STEP_SUMMARY"
`,
  };
}

/** Files copied from the tool itself: the action and the helpers it imports, as they are in the tool's own tenant. */
export const COPIED = [`actions/${ACTION}.ts`, "actions/lib/auth0.ts", "actions/lib/mapping.ts"];

// Preloaded into the local tenant by bench:drift: counts the Management API and token requests it serves ("METHOD /path"), so a
// tool that reports nothing about its calls (auth0-deploy-cli) is counted by the same server as ours. The benchmark asks
// with the IPC message "calls"; the answer is the counts since the last ask.
const http = require("node:http");
const https = require("node:https");

let calls = {};
const count = (req) => {
  const path = (req.url ?? "").split("?")[0];
  if (!path.startsWith("/api/v2/") && path !== "/oauth/token") return;
  const key = `${req.method} ${path}`;
  calls[key] = (calls[key] ?? 0) + 1;
};
for (const module of [http, https]) {
  const create = module.createServer;
  module.createServer = function (...args) {
    return create.apply(this, args).prependListener("request", count);
  };
}
process.on("message", (message) => {
  if (message !== "calls") return;
  process.send(calls);
  calls = {};
});

"use strict";
/**
 * Before any action code loads: the network entry points (unless the host allowed the network), trace files, signals
 * to other processes and the raw binding loaders are replaced by functions that throw.
 */

/** What was disabled, in order (the ready message reports it). */
const lockdown = [];

function accessDenied(what, why) {
  const error = new Error(`${what}: ${why}`);
  error.code = "ERR_ACCESS_DENIED";
  return error;
}

function deny(object, key, what, why) {
  if (object == null) return;
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  if (!descriptor) return;
  const stub = function denied() {
    throw accessDenied(what, why);
  };
  // Writable (a subclass's prototype may assign its own method over it), not configurable.
  Object.defineProperty(object, key, { value: stub, writable: true, enumerable: descriptor.enumerable, configurable: false });
  lockdown.push(what);
}

const NO_NETWORK = "network access is blocked in the local action runtime (allow it explicitly with allowNetwork)";
const NOT_AVAILABLE = "not available in the local action runtime";

function removeGlobal(name) {
  // Object.hasOwn, not the property's descriptor: Node 22 defines WebSocket as a lazy global, and reading its
  // descriptor would load what it is made of (undici) only to delete it.
  if (Object.hasOwn(globalThis, name)) {
    delete globalThis[name];
    if (name in globalThis) Object.defineProperty(globalThis, name, { value: undefined, writable: false, configurable: false });
    lockdown.push(`globalThis.${name}`);
  }
}

/** The native handle classes behind sockets, reached the way a script in this process could reach them. */
function handleClasses() {
  const out = {};
  try {
    const net = require("node:net");
    const socket = new net.Socket();
    // A lookup that never answers: connect() creates the TCP handle synchronously and then waits forever.
    socket.connect({ port: 9, host: "lookup.invalid", lookup() {} });
    if (socket._handle) out.TCP = socket._handle.constructor;
    socket.destroy();
  } catch {}
  try {
    const udp = require("node:dgram").createSocket("udp4");
    if (udp._handle) out.UDP = udp._handle.constructor;
    udp.close();
  } catch {}
  try {
    if (process.stdin._handle) out.Pipe = process.stdin._handle.constructor;
  } catch {}
  try {
    const resolver = new (require("node:dns").Resolver)();
    if (resolver._handle) out.ChannelWrap = resolver._handle.constructor;
  } catch {}
  return out;
}

function lockDownNetwork() {
  // Load every network module first (they extend each other's prototypes at load time), then disable.
  for (const name of ["net", "tls", "http", "https", "http2", "dgram", "dns"]) require(`node:${name}`);
  const classes = handleClasses();
  const net = require("node:net");
  for (const key of ["connect", "createConnection", "createServer", "_createServerHandle"]) deny(net, key, `net.${key}`, NO_NETWORK);
  deny(net.Socket.prototype, "connect", "net.Socket.connect", NO_NETWORK);
  deny(net.Server.prototype, "listen", "net.Server.listen", NO_NETWORK);
  deny(net.Server.prototype, "_listen2", "net.Server._listen2", NO_NETWORK);

  const tls = require("node:tls");
  for (const key of ["connect", "createServer"]) deny(tls, key, `tls.${key}`, NO_NETWORK);

  for (const name of ["http", "https"]) {
    const mod = require(`node:${name}`);
    for (const key of ["request", "get", "createServer"]) deny(mod, key, `${name}.${key}`, NO_NETWORK);
    deny(mod.Agent.prototype, "createConnection", `${name}.Agent.createConnection`, NO_NETWORK);
  }
  const http2 = require("node:http2");
  for (const key of ["connect", "createServer", "createSecureServer"]) deny(http2, key, `http2.${key}`, NO_NETWORK);

  const dgram = require("node:dgram");
  for (const key of ["bind", "connect", "send", "addMembership"]) deny(dgram.Socket.prototype, key, `dgram.Socket.${key}`, NO_NETWORK);
  deny(dgram, "createSocket", "dgram.createSocket", NO_NETWORK);
  deny(dgram, "Socket", "dgram.Socket", NO_NETWORK);

  const dns = require("node:dns");
  const dnsNames = (o) => Object.getOwnPropertyNames(o).filter((k) => /^(lookup|resolve|reverse)/.test(k) && typeof o[k] === "function");
  for (const key of dnsNames(dns)) deny(dns, key, `dns.${key}`, NO_NETWORK);
  for (const key of dnsNames(dns.Resolver.prototype)) deny(dns.Resolver.prototype, key, `dns.Resolver.${key}`, NO_NETWORK);
  for (const key of dnsNames(dns.promises)) deny(dns.promises, key, `dns.promises.${key}`, NO_NETWORK);
  for (const key of dnsNames(dns.promises.Resolver.prototype))
    deny(dns.promises.Resolver.prototype, key, `dns.promises.Resolver.${key}`, NO_NETWORK);

  // Below the modules: the handle classes a script could reach through an existing object (process.stdin._handle…).
  const handleMethods = {
    TCP: ["open", "bind", "bind6", "listen", "connect", "connect6"],
    UDP: ["open", "bind", "bind6", "connect", "connect6", "send", "send6", "recvStart"],
    Pipe: ["open", "bind", "listen", "connect"],
    ChannelWrap: [
      "queryAny",
      "queryA",
      "queryAaaa",
      "queryCaa",
      "queryCname",
      "queryMx",
      "queryNs",
      "queryTxt",
      "querySrv",
      "queryPtr",
      "queryNaptr",
      "querySoa",
      "queryTlsa",
      "getHostByAddr",
    ],
  };
  for (const [name, methods] of Object.entries(handleMethods)) {
    const Class = classes[name];
    if (!Class) continue;
    for (const m of methods) deny(Class.prototype, m, `${name}.${m}`, NO_NETWORK);
  }

  for (const name of ["fetch", "WebSocket", "EventSource"]) removeGlobal(name);
}

function lockDownProcess() {
  // The inspector listens on a port and evaluates strings; trace files are written into the working directory.
  const inspector = require("node:inspector");
  deny(inspector, "open", "inspector.open", NOT_AVAILABLE);
  deny(inspector.Session.prototype, "connect", "inspector.Session.connect", NOT_AVAILABLE);
  deny(inspector.Session.prototype, "connectToMainThread", "inspector.Session.connectToMainThread", NOT_AVAILABLE);
  deny(require("node:trace_events"), "createTracing", "trace_events.createTracing", NOT_AVAILABLE);
  // Signals to other processes (SIGUSR1 opens a Node process's inspector; kill(-1) reaches every process of the user).
  for (const key of ["kill", "_kill", "_debugProcess", "_debugEnd", "execve"]) deny(process, key, `process.${key}`, NOT_AVAILABLE);
  deny(require("node:os"), "setPriority", "os.setPriority", NOT_AVAILABLE);
  // Raw module and binding loaders: the permission model refuses process.binding and --no-addons refuses dlopen;
  // they are replaced as well, and getBuiltinModule would hand out modules without going through require.
  for (const key of ["binding", "_linkedBinding", "dlopen", "getBuiltinModule"]) deny(process, key, `process.${key}`, NOT_AVAILABLE);
}

module.exports = { lockdown, deny, lockDownNetwork, lockDownProcess };

"use strict";
/**
 * Freezing what actions share. Every action loaded in this process reaches the same runner-realm objects: the allowed
 * modules, the classes and functions handed to each context as globals, and the prototypes of the objects they
 * return. Anything one action can change there, another action (and this runner) would see, so before any action code
 * loads, everything reachable from them is frozen (docs/action-sandbox.md, "What actions share"; shared.cjs names the
 * roots). --frozen-intrinsics has already frozen the realm's JavaScript intrinsics (Object.prototype, ...); this
 * covers Node's own objects.
 */

const SHARED_STATE_WHY = "it is shared by every action in the local action runtime";

/** Live objects that are shared but not frozen (the connection agents with --allow-network): the walk stops there. */
const liveAgents = new Set();
/** Shared settings whose setter cannot be replaced: { object, key, value } as they were before any action loaded. */
const settingsToRestore = [];

/** Puts back the shared settings an action may have changed (before every load and call). */
function restoreSettings() {
  for (const { object, key, value } of settingsToRestore) {
    if (!Object.is(object[key], value)) object[key] = value;
  }
}

/** A data property on a prototype, as a getter and a setter that gives an instance its own property (SES calls this
 * "enablePropertyOverrides"): frozen, `instance.x = v` would otherwise throw for every `x` the prototype has, and
 * Node's own code assigns such properties (EventEmitter's `_events`, a stream's `destroy`, ...). */
function overridable(object, key, descriptor, made) {
  const value = descriptor.value;
  // Accessor methods, not functions: they have no `prototype` object of their own to share.
  const { get: getter, set: setter } = Object.getOwnPropertyDescriptor(
    {
      get value() {
        return value;
      },
      set value(next) {
        if (this === object) throw new TypeError(`Cannot assign to read only property '${String(key)}': ${SHARED_STATE_WHY}`);
        Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
    },
    "value",
  );
  made.push(getter, setter);
  Object.defineProperty(object, key, { get: getter, set: setter, enumerable: descriptor.enumerable, configurable: false });
}

/** A setter on a shared object other than a prototype (util.inspect.defaultOptions, ...) changes state every action
 * reads: it throws instead. */
function refusingSetter(key, made) {
  const { set: setter } = Object.getOwnPropertyDescriptor(
    {
      set value(_) {
        throw new TypeError(`Cannot set ${String(key)}: ${SHARED_STATE_WHY}`);
      },
    },
    "value",
  );
  made.push(setter);
  return setter;
}

/** Freezes everything reachable from `roots` (own properties, accessors' functions, prototypes). */
function freezeReachable(roots) {
  // Objects of this runner that nothing an action gets reaches (walking into them would freeze live state).
  const notShared = new Set([globalThis, process, process.stdin, process.stdout, process.stderr]);
  const seen = new Set();
  const prototypes = new Set();
  const reachedUnshared = new Set();
  const queue = [...roots];
  const visit = (value) => {
    if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return;
    if (liveAgents.has(value)) return;
    if (notShared.has(value)) reachedUnshared.add(value);
    else queue.push(value);
  };
  while (queue.length > 0) {
    const object = queue.pop();
    if (seen.has(object)) continue;
    seen.add(object);
    const proto = Object.getPrototypeOf(object);
    if (proto !== null) prototypes.add(proto);
    visit(proto);
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (!descriptor) continue;
      if ("value" in descriptor) {
        visit(descriptor.value);
        if (key === "prototype" && typeof object === "function" && descriptor.value) prototypes.add(descriptor.value);
      } else {
        visit(descriptor.get);
        visit(descriptor.set);
        // A lazily created module property (crypto.webcrypto, events.EventEmitterAsyncResource, ...) is shared too.
        if (descriptor.get && (typeof object === "function" || !prototypes.has(object))) {
          try {
            visit(descriptor.get.call(object));
          } catch {}
        }
      }
    }
  }
  const made = [];
  for (const object of seen) {
    if (Object.isFrozen(object)) continue;
    const isPrototype = prototypes.has(object);
    let stillWritable = false;
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (!descriptor) continue;
      if (!descriptor.configurable && descriptor.set && descriptor.get && (!isPrototype || typeof object === "function")) {
        // A setter Node made non-configurable (events.defaultMaxListeners): put back before every load and call.
        settingsToRestore.push({ object, key, value: descriptor.get.call(object) });
        continue;
      }
      if (!descriptor.configurable) {
        // Such a property cannot become an accessor, and freezing it would break every instance's assignment to it
        // (ownCaptureFlag handles the one Node 20 has); it stays writable, and test/actions/isolation.test.ts fails.
        if (isPrototype && descriptor.writable && !(key === "prototype" && typeof object === "function")) stillWritable = true;
        continue;
      }
      if ("value" in descriptor) {
        if (isPrototype && descriptor.writable) overridable(object, key, descriptor, made);
      } else if (descriptor.set && (!isPrototype || typeof object === "function")) {
        Object.defineProperty(object, key, {
          get: descriptor.get,
          set: refusingSetter(key, made),
          enumerable: descriptor.enumerable,
          configurable: false,
        });
      }
    }
    if (stillWritable) {
      for (const key of Reflect.ownKeys(object)) {
        const descriptor = Object.getOwnPropertyDescriptor(object, key);
        if (descriptor.configurable || (key === "prototype" && typeof object === "function"))
          Object.defineProperty(object, key, "value" in descriptor ? { writable: false, configurable: false } : { configurable: false });
      }
      Object.preventExtensions(object);
    } else Object.freeze(object);
  }
  for (const fn of made) Object.freeze(fn);
  // Reaching this process or its global from an allowed module would be a way out of the context, not only a channel.
  if (reachedUnshared.size > 0) throw new Error(`the action runtime's shared objects lead to the runner's own objects`);
  return seen.size;
}

module.exports = { SHARED_STATE_WHY, liveAgents, restoreSettings, freezeReachable };

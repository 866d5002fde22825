import { assertNever } from "../errors";
import type { ApplicationSpec } from "./types";

const NONE: Readonly<Record<string, string[]>> = Object.freeze(Object.create(null));

/**
 * API key → the scopes an application is granted. Only machine-to-machine applications hold client grants (a regular
 * web application signs users in); a new application type does not compile until it says which it is.
 */
export function grantsOf(app: ApplicationSpec): Readonly<Record<string, string[]>> {
  switch (app.type) {
    case "m2m":
      return app.grants;
    case "regular_web":
      return NONE;
    default:
      return assertNever(app, "application type");
  }
}

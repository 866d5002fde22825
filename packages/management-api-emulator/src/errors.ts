/**
 * Management API errors as Auth0 sends them: `{ statusCode, error, message, errorCode? }`, `error` being the HTTP
 * reason phrase. Bodies whose wording was recorded (terraform-provider-auth0 v1.53.0 and go-auth0 cassettes) use it
 * word for word; the others say so where they are built.
 */
export const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export interface ManagementErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
  attributes?: { error: string };
}

export class ManagementApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
    /** Extra response headers (401's www-authenticate, 429's retry-after). */
    readonly headers: Record<string, string> = {},
    /** hapi's `attributes` member, present on Auth0's token errors. */
    readonly attributes?: { error: string },
  ) {
    super(message);
  }

  toJSON(): ManagementErrorBody {
    return {
      statusCode: this.status,
      error: REASONS[this.status] ?? "Error",
      message: this.message,
      ...(this.errorCode !== undefined ? { errorCode: this.errorCode } : {}),
      ...(this.attributes ? { attributes: this.attributes } : {}),
    };
  }
}

export const badRequest = (message: string, errorCode = "invalid_body") => new ManagementApiError(400, message, errorCode);
export const invalidQuery = (message: string) => new ManagementApiError(400, `Query validation error: ${message}`, "invalid_query_string");
export const invalidUri = (message: string) => new ManagementApiError(400, `Path validation error: ${message}`, "invalid_uri");
export const notFound = (message: string, errorCode?: string) => new ManagementApiError(404, message, errorCode);
export const conflict = (message: string, errorCode?: string) => new ManagementApiError(409, message, errorCode);

/** Recorded bodies (see the file comment). */
export const clientNotFound = () => notFound("The client does not exist", "inexistent_client");
export const resourceServerNotFound = () => notFound("The resource server does not exist", "inexistent_resource_server");
export const actionNotFound = () => notFound("That action does not exist.");
export const grantNotFound = () => notFound("The grant does not exist.", "inexistent_client_grant");
/** Not recorded: modelled on the client and grant ones. */
export const credentialNotFound = () => notFound("The credential does not exist", "inexistent_credential");

/** Auth0's payload validation messages (e.g. `Payload validation error: 'Missing required property: identifier'.`). */
export const payloadError = (detail: string, property?: string) =>
  badRequest(`Payload validation error: '${detail}'${property ? ` on property ${property}` : ""}.`);

/**
 * 401s as Auth0's Management API (hapi) sends them: no credentials → "Missing authentication" and a bare
 * `www-authenticate: Bearer`; a bad token → the message, repeated in `attributes.error` and the challenge.
 */
export const missingAuthentication = () =>
  new ManagementApiError(401, "Missing authentication", undefined, { "www-authenticate": "Bearer" });
export function invalidToken(message = "Invalid token"): ManagementApiError {
  return new ManagementApiError(401, message, undefined, { "www-authenticate": `Bearer error="${message}"` }, { error: message });
}

export const insufficientScope = (anyOf: readonly string[]) =>
  new ManagementApiError(403, `Insufficient scope, expected any of: ${anyOf.join(",")}`, "insufficient_scope");

/** Reported for Auth0's 429s (auth0-extensions/auth0-reset-tenant#31). */
export const tooManyRequests = (headers: Record<string, string>) =>
  new ManagementApiError(429, "Global limit has been reached", "too_many_requests", headers);

/** Not Auth0's: the local tenant has no model of an endpoint the caller may use (management/unserved.ts). */
export const notServedLocally = (method: string, path: string) =>
  new ManagementApiError(
    501,
    `${method} ${path} is an Auth0 Management API endpoint the local tenant does not serve (it has no model of it); run this call against a real tenant`,
    "not_served_locally",
  );
/** Not recorded (no recording of an unknown role): modelled on the client one. */
export const roleNotFound = () => notFound("The role does not exist", "inexistent_role");

/** An OAuth error as Auth0's token endpoint returns it: `{ error, error_description }` with an HTTP status. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  toJSON() {
    return { error: this.error, error_description: this.description };
  }
}

export const invalidClient = (description: string) => new OAuthError(401, "invalid_client", description);
export const invalidRequest = (description: string) => new OAuthError(400, "invalid_request", description);
export const accessDenied = (description: string) => new OAuthError(403, "access_denied", description);

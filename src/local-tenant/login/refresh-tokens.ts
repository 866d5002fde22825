import { randomUUID } from "node:crypto";
import { OAuthError } from "../errors";
import { ExpiringStore } from "./expiring-store";
import type { LoginGrant } from "./tokens";

/**
 * Rotating refresh tokens (https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation): each exchange
 * returns a new token of the same family and retires the one used; presenting a retired token again is taken as a
 * stolen token and revokes the whole family (Automatic Reuse Detection; reuse interval 0, Auth0's default). The
 * family lives at most Auth0's default absolute lifetime, 30 days.
 */
export const REFRESH_TOKEN_LIFETIME_MS = 2_592_000 * 1000;

interface RefreshRecord {
  family: string;
  grant: LoginGrant;
  used: boolean;
}

export const invalidRefreshToken = () => new OAuthError(403, "invalid_grant", "Unknown or invalid refresh token.");

export class RefreshTokens {
  private readonly tokens: ExpiringStore<RefreshRecord>;

  constructor(now: () => number) {
    this.tokens = new ExpiringStore(now);
  }

  /** A new family for a login; undefined when the store is full. */
  issue(grant: LoginGrant, family: string = randomUUID()): { token: string; family: string } | undefined {
    const token = this.tokens.add({ family, grant, used: false }, REFRESH_TOKEN_LIFETIME_MS);
    return token === undefined ? undefined : { token, family };
  }

  /** Retires `token` and returns its login and family; a reuse revokes the family. */
  use(token: string, clientId: string): { grant: LoginGrant; family: string } {
    const record = this.tokens.get(token);
    if (!record || record.grant.clientId !== clientId) throw invalidRefreshToken();
    if (record.used) {
      this.revokeFamily(record.family);
      throw invalidRefreshToken();
    }
    record.used = true;
    return { grant: record.grant, family: record.family };
  }

  revokeFamily(family: string): void {
    this.tokens.deleteWhere((r) => r.family === family);
  }

  get size() {
    return this.tokens.size;
  }
}

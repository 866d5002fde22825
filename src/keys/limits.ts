/** What the key tool generates: Auth0's credential algorithms and the RSA sizes it accepts (2048 to 4096 bits). */
export const KEY_ALGORITHMS = ["RS256", "RS384", "PS256"] as const;
export const KEY_BITS = [2048, 3072, 4096] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** What the key tool generates: Auth0's credential algorithms and the RSA sizes it accepts (2048 to 4096 bits). */
export { CREDENTIAL_ALGORITHMS as KEY_ALGORITHMS } from "../algorithms";
import type { CredentialAlgorithm } from "../algorithms";
export const KEY_BITS = [2048, 3072, 4096] as const;
export type KeyAlgorithm = CredentialAlgorithm;

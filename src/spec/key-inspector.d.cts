export interface KeyBlock {
  label: "CERTIFICATE" | "PUBLIC KEY" | "RSA PUBLIC KEY";
  pem: string;
}

export type BlockReport =
  { parseError: string } | { keyType: string | undefined; bits?: number; thumbprint?: string; notAfter?: string; parseError?: undefined };

export function inspectBlocks(blocks: KeyBlock[]): Promise<BlockReport[]>;

import { createHash, randomBytes, randomUUID } from "node:crypto";

/**
 * Ids in Auth0's formats. Seeded resources get ids derived from the stack and what they are (the same on every
 * start, so a test or a reader can rely on them); resources created through the API get random ones, as Auth0 does.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(bytes: Buffer, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += BASE62[bytes[i % bytes.length]! % 62];
  return out;
}

const digest = (seed: string) => createHash("sha256").update(`auth0-tenant-local/management/${seed}`).digest();

function uuidFrom(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4 layout, as Auth0's action ids are
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export type IdKind = "client" | "credential" | "grant" | "resourceServer" | "action" | "version" | "binding" | "role";

/** `seed` given: derived from it; otherwise random. */
export function newId(kind: IdKind, seed?: string): string {
  const bytes = seed !== undefined ? digest(`${kind}/${seed}`) : randomBytes(32);
  switch (kind) {
    case "client":
      return base62(bytes, 32); // e.g. 3hOYB9bXVjrjkq2k3EzrHPVuqaei9sGg
    case "credential":
      return `cred_${base62(bytes, 22)}`; // cred_gekrTRyhtchHhs399o7bsV
    case "grant":
      return `cgr_${base62(bytes, 16)}`; // cgr_e40jKy0Rq2IfvoyQ
    case "role":
      return `rol_${base62(bytes, 16)}`; // rol_n1z6LFTpIHVtfM8R (recorded)
    case "resourceServer":
      return bytes.subarray(0, 12).toString("hex"); // a Mongo ObjectId: 69a006b6f39293776f28ab5d
    case "action":
    case "version":
    case "binding":
      return seed !== undefined ? uuidFrom(bytes) : randomUUID();
  }
}

import { HostFailure } from "./failure";
import { HOST_LIMITS } from "./limits";

/**
 * A frame to the child: its length, the length of a JSON header, the header, then raw bytes the header describes
 * (the calls' events, as JSON text the child parses in the action's own context, so they are not copied on the way:
 * each is encoded once, straight into the frame).
 */
export function frame(message: unknown, tail: readonly { text: string; bytes: number }[] = []): Buffer {
  const json = JSON.stringify(message);
  const jsonBytes = Buffer.byteLength(json);
  let length = 4 + jsonBytes;
  for (const t of tail) length += t.bytes;
  const out = Buffer.allocUnsafe(4 + length);
  out.writeUInt32BE(length, 0);
  out.writeUInt32BE(jsonBytes, 4);
  out.write(json, 8);
  let at = 8 + jsonBytes;
  for (const t of tail) at += out.write(t.text, at);
  return out;
}

/** The child's output split into messages (frames of a 4-byte big-endian length and a UTF-8 JSON value). */
export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next whole message, a problem that ends the child, or undefined until more output arrives. */
  next(): { message: unknown } | { problem: HostFailure } | undefined {
    if (this.buffer.length < 4) return undefined;
    const length = this.buffer.readUInt32BE(0);
    if (length > HOST_LIMITS.frameBytes)
      return { problem: new HostFailure("too-large", `the action's output is larger than ${HOST_LIMITS.frameBytes} bytes`) };
    if (this.buffer.length < 4 + length) return undefined;
    let message: unknown;
    try {
      message = JSON.parse(this.buffer.subarray(4, 4 + length).toString("utf8"));
    } catch {
      return {
        problem: new HostFailure("malformed", "the action host sent output that is not a reply (something wrote to its protocol pipe)"),
      };
    }
    this.buffer = this.buffer.subarray(4 + length);
    return { message };
  }
}

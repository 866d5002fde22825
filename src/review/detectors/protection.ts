import { addressOf } from "../../model";
import type { Detector, Finding } from "../changes";

/** Protected resources the change would delete (pulumi up refuses until they are unprotected), and protection turned off. */
export const protection: Detector = {
  /** Cross-cutting: about any resource that is protected, so it stands in for no type in particular. */
  covers: [],
  detect: ({ base, head, mode }) => {
    if (!base || mode === "compare") return [];
    const out: Finding[] = [];
    const remaining = new Set((head?.desired.resources ?? []).map(addressOf));
    for (const r of base.desired.resources) {
      if (r.protect && !remaining.has(addressOf(r))) {
        const type = r.type.split(":").pop();
        out.push({
          section: "protection",
          kind: "protected.deleted",
          subject: r.name,
          text: `deletes protected ${type} ${r.name}: pulumi up will refuse until it is unprotected (pulumi state unprotect)`,
        });
      }
    }
    if (head && base.spec.protect && !head.spec.protect)
      out.push({
        section: "protection",
        kind: "protect.disabled",
        subject: "tenant",
        text: "protection is turned off for every resource of this stack",
      });
    return out;
  },
};

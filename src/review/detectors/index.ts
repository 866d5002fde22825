import { KIND_NAMES, KINDS } from "../../kinds";
import type { ResourceType } from "../../model";
import type { Detector, Finding } from "../changes";
import { protection } from "./protection";
import { replacements } from "./replacements";
import { tokenClaims } from "./token-claims";

/** Each kind's detector (src/kinds/<kind>/review.ts), covering the kind's resource types. */
const kindDetectors: Detector[] = KIND_NAMES.map((k) => ({
  covers: Object.keys(KINDS[k].types) as ResourceType[],
  detect: KINDS[k].review.detector.detect as Detector["detect"] as (ctx: Parameters<Detector["detect"]>[0]) => Finding[],
}));

/** Every kind of change the review knows: each kind's, and the ones about claims in tokens, protection and replacements. */
export const DETECTORS: Detector[] = [...kindDetectors, tokenClaims, protection, replacements];

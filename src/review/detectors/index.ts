import type { Detector } from "../changes";
import { actions } from "./actions";
import { apis } from "./apis";
import { applications } from "./applications";
import { credentials } from "./credentials";
import { grants } from "./grants";
import { protection } from "./protection";
import { replacements } from "./replacements";
import { tokenClaims } from "./token-claims";

/** Every kind of change the review knows. A new kind is one file in this folder and one line here. */
export const DETECTORS: Detector[] = [applications, grants, apis, credentials, actions, tokenClaims, protection, replacements];

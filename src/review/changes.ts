import type { ResourceType } from "../model";
import type { Plan } from "../plan";
import type { ChangeKind } from "../kinds";
import type { DetectorContext as KindDetectorContext, Finding as KindFinding } from "../kinds/vocabulary";

export { CHANGE_KINDS, type ChangeKind } from "../kinds";
export { RISK_ORDER, SECTIONS, type Risk, type Section } from "../kinds/vocabulary";

/** What a detector finds (src/kinds/vocabulary.ts); risk.ts turns it into a Change with a risk level. */
export type Finding = KindFinding<ChangeKind>;

export interface Change extends Finding {
  stack: string;
  risk: import("../kinds/vocabulary").Risk;
}

export interface DetectorContext extends KindDetectorContext {
  base?: Plan;
  head?: Plan;
}

/** A detector compares one kind of thing between the base and head plans of a stack. */
export interface Detector {
  /** The resource types whose changes it reports. */
  covers: readonly ResourceType[];
  detect: (ctx: DetectorContext) => Finding[] | Promise<Finding[]>;
}

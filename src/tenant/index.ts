export * from "./adopt";
export * from "./build";
export * from "./load";
export * from "./model";
export type * from "../kinds/models";
export type * from "../kinds/specs";

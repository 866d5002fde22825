export * from "./actions";
export * from "./api";
export * from "./application";
export * from "./build";
export * from "./desired";
export * from "./role";
export * from "./tenant";

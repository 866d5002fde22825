export * from "./desired";

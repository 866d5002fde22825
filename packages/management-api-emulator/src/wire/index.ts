export * from "./records";

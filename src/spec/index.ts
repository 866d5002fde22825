export * from "./actions";
export * from "./issues";
export * from "./load";
export * from "./public-key";
export * from "./schema";
export * from "./types";

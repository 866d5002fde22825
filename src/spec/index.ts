export * from "./adopt";
export * from "./credentials";
export * from "./issues";
export * from "./public-key";
export * from "./schema";
export * from "./types";

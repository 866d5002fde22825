export * from "./actions";
export * from "./adopt";
export * from "./grants";
export * from "./issues";
export * from "./load";
export * from "./public-key";
export * from "./schema";
export * from "./types";

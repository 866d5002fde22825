export * from "./records";
export { READ_SCOPES, type ManagementScope } from "../scopes";

/** Pulumi's stack name rule (pulumi v3.248 sdk/go/common/tokens/stack_name.go, ParseStackName). */
export const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

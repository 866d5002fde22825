/** Stacks whose resources are protected by default and whose changes weigh more in review and policy. */
export const isProductionStack = (stack: string): boolean => /^prod/i.test(stack);

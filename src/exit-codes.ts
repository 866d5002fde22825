/** Exit codes of every command (README, "Command line"), one table for the CLI and the commands under src/. */
export const EXIT = { ok: 0, findings: 1, usage: 2, denied: 3, unreadable: 4 } as const;

/**
 * Exit codes of every command (README, "Command line"), one table for the CLI and the commands under src/.
 * `internal` (70, sysexits EX_SOFTWARE): the command ended without a result, a bug of the tool.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, denied: 3, unreadable: 4, internal: 70 } as const;

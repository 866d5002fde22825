import { run } from "../../cli/main";
import { colourWanted, type Io } from "../../cli/io";
import { style } from "../../src/text/style";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `auth0-tenant <args>` in this process, as the executable does, capturing stdout and stderr. `tty` makes stdout a
 * terminal of `columns` width (colour unless NO_COLOR); by default it is a pipe.
 */
export async function cli(
  args: string[],
  options: { tty?: boolean; columns?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const isTTY = options.tty === true;
  const env = options.env ?? {};
  const io: Io = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    isTTY,
    errTTY: false,
    columns: isTTY ? (options.columns ?? 100) : Infinity,
    env,
    cwd: options.cwd ?? process.cwd(),
    look: style(colourWanted(isTTY, env, args)),
    // A terminal session: stderr is the same terminal.
    errLook: style(colourWanted(isTTY, env, args)),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

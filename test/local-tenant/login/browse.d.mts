export function browse(
  start: string,
  login: { username?: string; password?: string; user?: string } | undefined,
  jar?: Map<string, string>,
): Promise<{ callback: URL; jar: Map<string, string>; pages: string[] }>;

import type { TestUser } from "./users";

/**
 * The local tenant's pages, rendered on the server: plain HTML forms that work without JavaScript, with labels tied
 * to their fields, a heading per page, errors announced (role="alert") and every value HTML-escaped. The social
 * connections' users are buttons, each its own form, so a keyboard or screen-reader user reaches them by Tab.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Inline styles only (the pages load nothing), allowed by the pages' Content-Security-Policy. */
const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;margin-top:1rem;font-weight:600}input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.6rem 1rem;font-size:1rem;width:100%;cursor:pointer}
[role=alert]{border:2px solid #b00020;padding:.5rem;color:#b00020}:focus-visible{outline:3px solid #0b5fff;outline-offset:2px}
.social{border-top:1px solid #ccc;margin-top:1.5rem;padding-top:.5rem}`;

/** Headers of every page: nothing runs, nothing loads, nothing frames it. */
export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>
`;
}

export interface LoginPageInput {
  /** The login transaction the form posts back. */
  transaction: string;
  appName: string;
  /** Email users of the database connection may log in (no `connection` parameter, or the database one). */
  database: boolean;
  /** Users of the social connections, shown as "Continue as …" buttons. */
  socialUsers: TestUser[];
  email?: string;
  error?: string;
  /** The tenant has no test users at all: say how to add some. */
  noUsers: boolean;
}

export function loginPage(input: LoginPageInput): string {
  const hidden = `<input type="hidden" name="state" value="${escapeHtml(input.transaction)}">`;
  const error = input.error ? `<p role="alert" id="login-error">${escapeHtml(input.error)}</p>` : "";
  const described = input.error ? ` aria-describedby="login-error"` : "";
  const database = input.database
    ? `<form method="post" action="/u/login" novalidate>
${hidden}
<label for="username">Email address</label>
<input id="username" name="username" type="email" autocomplete="username" required autofocus value="${escapeHtml(input.email ?? "")}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">Continue</button>
</form>`
    : "";
  const social = input.socialUsers.length
    ? `<section class="social" aria-labelledby="social-heading"><h2 id="social-heading">Test users of social connections</h2>
${input.socialUsers
  .map(
    (u) => `<form method="post" action="/u/login">${hidden}<input type="hidden" name="user" value="${escapeHtml(u.key)}">
<button type="submit">Continue as ${escapeHtml(u.email)} (${escapeHtml(u.connection)})</button></form>`,
  )
  .join("\n")}</section>`
    : "";
  const none = input.noUsers
    ? `<p role="alert">This local tenant has no test users: start it with <code>--users &lt;file&gt;</code> (default local/users.yaml).</p>`
    : "";
  return page(
    `Log in | ${input.appName}`,
    `<h1>Log in to ${escapeHtml(input.appName)}</h1>
<p>Local tenant: test users only.</p>
${none}${error}${database}
${social}`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>`);
}

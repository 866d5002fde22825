// What a browser does during a login, without one: follows the tenant's redirects (sending its cookies), posts the
// login form once, and stops at the first redirect that leaves the tenant (the application's callback). Shared by the
// in-process tests and the SDK child process (login-sdk-clients.mjs). At most 10 hops.
export async function browse(start, login, jar = new Map()) {
  let url = start;
  let init = {};
  const pages = [];
  const origin = new URL(start).origin;
  for (let hop = 0; hop < 10; hop++) {
    const headers = { ...init.headers };
    if (jar.size && new URL(url).origin === origin) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [name, value] = c.split(";")[0].split("=");
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location"), url);
      if (next.origin !== origin) return { callback: next, jar, pages };
      url = next.toString();
      init = {};
      continue;
    }
    const html = await res.text();
    pages.push(html);
    if (res.status !== 200 || !login) throw new Error(`stopped at ${url} (${res.status}): ${html}`);
    const state = /name="state" value="([^"]+)"/.exec(html)?.[1];
    if (!state) throw new Error(`no login form at ${url}: ${html}`);
    url = new URL("/u/login", url).toString();
    init = {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ state, ...login }).toString(),
    };
    login = undefined; // one form post; a second page is the answer to it
  }
  throw new Error("too many redirects");
}

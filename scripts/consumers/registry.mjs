// The consumers suite's npm registry: verdaccio (a devDependency), started
// on a free port of 127.0.0.1 with its storage in the suite's throwaway
// directory and no uplinks, so it serves exactly the packages published to
// it; everything else a consumer installs comes from its usual registry.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { once } from "node:events";
import { openSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A free TCP port on 127.0.0.1 (taken by the OS, released at once). */
async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/**
 * Starts verdaccio with its storage and log under `dir` and returns its
 * `url` (ending in "/"), a `token` of a user made for publishing, and
 * `stop()`. The verdaccio binary is the one npm installed at `root`.
 */
export async function startRegistry(root, dir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = join(dir, "verdaccio.yaml");
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(dir, "storage"))}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(join(dir, "htpasswd"))}`,
      "uplinks: {}",
      "packages:",
      "  '@winpipe/*':",
      "    access: $all",
      "    publish: $authenticated",
      "  '**':",
      "    access: $all",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const log = openSync(join(dir, "verdaccio.log"), "a");
  const child = spawn(
    process.execPath,
    [join(root, "node_modules", "verdaccio", "bin", "verdaccio"), "--config", config, "--listen", `127.0.0.1:${port}`],
    { stdio: ["ignore", log, log] },
  );
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  };
  try {
    await waitUntilUp(url, child);
    const token = await addUser(url);
    return { url, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls `/-/ping` until verdaccio answers (or fails if it exits or takes over 60 s). */
async function waitUntilUp(url, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with code ${child.exitCode} (see verdaccio.log)`);
    try {
      const response = await fetch(new URL("-/ping", url));
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("verdaccio did not answer within 60 s (see verdaccio.log)");
}

/** Makes a user the way `npm adduser` does and returns its token. */
async function addUser(url) {
  const name = "winpipe-consumers";
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: crypto.randomUUID() }),
  });
  const body = await response.json();
  if (!response.ok || typeof body.token !== "string") {
    throw new Error(`verdaccio refused the user: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/**
 * An .npmrc for a consumer: the @winpipe scope from this registry (with the
 * token, for publishing), every other package from the usual registry.
 */
export function npmrc(registry, token) {
  const host = registry.replace(/^https?:/, "");
  return `@winpipe:registry=${registry}\n${host}:_authToken=${token}\n`;
}

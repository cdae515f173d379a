/**
 * Big bodies in bounded memory, and many clients at once.
 *
 * @module
 */
import assert from "node:assert/strict";
import process from "node:process";
import { PipeHttpClient } from "@winpipe/http";
import { type HttpBackend, type RegisterTest, uniqueName } from "./helpers.ts";

const CHUNK = 64 * 1024;
/** Bytes produced and not yet consumed may not pass this: a handful of 64 KiB pieces (stream, writer, pipe, reader). */
const MAX_IN_FLIGHT = 1024 * 1024;
/**
 * Nor may the process grow by this much while it moves the bodies: an unbounded buffer would grow by all of
 * it, while garbage not yet collected (Deno leaves up to 260 MiB of 64 KiB arrays) stays well below.
 */
const MAX_RSS_GROWTH = 512 * 1024 * 1024;

/** A stream of `total` bytes, counted in `meter` as they are produced. */
function metered(total: number, meter: Meter): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(CHUNK, total - sent);
      const out = new Uint8Array(n);
      out[0] = (sent / CHUNK) & 255;
      sent += n;
      meter.produced += n;
      meter.sample();
      controller.enqueue(out);
    },
  }, { highWaterMark: 0 });
}

/** What went in and came out, and the largest gap seen. */
class Meter {
  produced = 0;
  consumed = 0;
  maxInFlight = 0;
  maxRss = 0;
  #rssTick = 0;
  sample(): void {
    this.maxInFlight = Math.max(this.maxInFlight, this.produced - this.consumed);
    // RSS is a system call: every 256th piece is often enough.
    if ((this.#rssTick++ & 255) === 0) this.maxRss = Math.max(this.maxRss, process.memoryUsage().rss);
  }
}

/** Reads a stream to its end, counting into `meter`. */
async function consume(stream: ReadableStream<Uint8Array>, meter: Meter): Promise<number> {
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    meter.consumed += chunk.length;
    meter.sample();
  }
  return total;
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function loadSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http load (${b.name}): ${name}`, fn);
  const size = b.bigBodyBytes;

  t(`a ${mib(size)} upload and a ${mib(size)} download stream in bounded memory`, async () => {
    const name = uniqueName("big");
    const up = new Meter(), down = new Meter();
    await using _server = b.http.serveHttp(name, async (request) => {
      if (request.method === "POST") return new Response(String(await consume(request.body!, up)));
      return new Response(metered(size, down));
    });
    const rssBefore = process.memoryUsage().rss;
    const uploaded = await b.http.pipeFetch(
      name,
      "/",
      { method: "POST", body: metered(size, up), duplex: "half" } as RequestInit,
    );
    assert.equal(await uploaded.text(), String(size));
    const downloaded = await b.http.pipeFetch(name, "/");
    assert.equal(downloaded.headers.get("transfer-encoding"), "chunked");
    assert.equal(await consume(downloaded.body!, down), size);
    for (const [what, meter] of [["upload", up], ["download", down]] as const) {
      assert.equal(meter.produced, size);
      assert.equal(meter.consumed, size);
      assert.ok(
        meter.maxInFlight <= MAX_IN_FLIGHT,
        `${what}: ${mib(meter.maxInFlight)} produced and not yet consumed at most (bound ${mib(MAX_IN_FLIGHT)})`,
      );
    }
    const growth = Math.max(up.maxRss, down.maxRss) - rssBefore;
    // The figures behind the assertions, for docs/http.md.
    console.log(
      `big bodies (${b.name}): at most ${up.maxInFlight / 1024} KiB in flight up, ${
        down.maxInFlight / 1024
      } KiB down; ` +
        `RSS +${mib(growth)}`,
    );
    assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${mib(growth)} while moving ${mib(2 * size)}`);
  });

  t("50 concurrent keep-alive clients, 4 requests each, on at most 50 connections", async () => {
    const name = uniqueName("fifty");
    const connections = new Set<number>();
    await using _server = b.http.serveHttp(name, async (request, info) => {
      connections.add(info.connection);
      return new Response(`${new URL(request.url).pathname} ${await request.text()}`);
    });
    using client = new PipeHttpClient(b.pipes, { maxIdlePerPipe: 50 });
    const results = await Promise.all(Array.from({ length: 50 }, async (_, c) => {
      const got: string[] = [];
      for (let r = 0; r < 4; r++) {
        const response = await client.fetch(name, `/c${c}/r${r}`, { method: "POST", body: `body ${c}.${r}` });
        got.push(await response.text());
      }
      return got;
    }));
    results.forEach((got, c) => assert.deepEqual(got, [0, 1, 2, 3].map((r) => `/c${c}/r${r} body ${c}.${r}`)));
    assert.ok(connections.size <= 50, `${connections.size} connections for 50 clients`);
    assert.ok(client.idleConnections(name) > 0 && client.idleConnections(name) <= 50);
  });
}

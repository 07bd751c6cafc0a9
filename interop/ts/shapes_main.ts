// Calls the Rust shapes service (`wamp_tests::shapes::Echo`) through the TypeScript client that
// wamp-codegen generates from interfaces/com.typed.shapes.json (copied next to this file as
// shapes.ts): each of serde's enum representations, typed, sent and read back. Compiled with
// `tsc --strict` (so each value below must fit its generated type), run by node:
// node shapes_main.js URL REALM. Prints one line: RESULT {json}, or ERROR message.

import { Adjacent, Bundle, External, Internal, Put, ShapesClient, Untagged, WampSession } from "./shapes";

declare const require: (name: string) => any;
declare const process: { argv: string[]; exit(code: number): never; stdout: { write(s: string): void } };

const g = globalThis as { WebSocket?: unknown };
g.WebSocket = g.WebSocket || require("ws");
const autobahn = require("autobahn");
const [url, realm] = process.argv.slice(2);

async function run(session: WampSession): Promise<{ [key: string]: unknown }> {
  const shapes = new ShapesClient(session);
  // A topic with captures: subscribed as its wildcard pattern, the captures read from the
  // concrete topic when the payload lacks them.
  const puts: Put[] = [];
  let allPut: () => void = () => {};
  const twoPuts = new Promise<void>((resolve) => (allPut = resolve));
  await shapes.onPut((put) => {
    puts.push(put);
    if (puts.length === 2) allPut();
  });
  const raw = session as unknown as {
    publish(topic: string, args: unknown[], kwargs: object, options: object): PromiseLike<unknown>;
  };
  const options = { acknowledge: true, exclude_me: false };
  await raw.publish("com.typed.shapes.shelf.top.slot.4.put", [], { label: "tea" }, options);
  await raw.publish("com.typed.shapes.shelf.low.slot.9.put", [], { shelf: "low", slot: 9, label: "jam" }, options);
  await twoPuts;
  const external: External[] = ["Empty", { Circle: 1.5 }, { Line: [-1, 2] }, { Rect: { w: 3, h: 4 } }];
  const internal: Internal[] = [
    { type: "ping" },
    { type: "message", from: "ann", text: "hi" },
    { type: "joined", name: "bob", moderator: true },
  ];
  const adjacent: Adjacent[] = [{ t: "Idle" }, { t: "Count", c: 7 }, { t: "Pair", c: ["x", false] }, { t: "Named", c: { label: "l" } }];
  const untagged: Untagged[] = [5, "five", { x: 1, y: -1 }, [true, false]];
  const bundle: Bundle = {
    external: { Circle: 2 },
    internal: { type: "ping" },
    adjacent,
    untagged: { n: 1, s: "s" },
    owner: { name: "cy", moderator: false },
  };
  const echoed = {
    external: await Promise.all(external.map((v) => shapes.external(v))),
    internal: await Promise.all(internal.map((v) => shapes.internal(v))),
    adjacent: await Promise.all(adjacent.map((v) => shapes.adjacent(v))),
    untagged: await Promise.all(untagged.map((v) => shapes.untagged(v))),
    bundle: await shapes.bundle(bundle),
  };
  // The unions narrow on their tags.
  const texts = echoed.internal.map((m) => (m.type === "message" ? m.text : m.type === "joined" ? m.name : "-"));
  const counts = echoed.adjacent.map((a) => (a.t === "Count" ? a.c : 0));
  const sent = { external, internal, adjacent, untagged, bundle };
  // URI captures: the client fills in the URI; a value that is no URI component is refused
  // before anything is sent.
  const shelved = await shapes.shelved("top", 3, "jam");
  const refused = await shapes.shelved("a.b", 1).then(
    () => "sent",
    (e: unknown) => (e instanceof TypeError ? e.message : String(e)),
  );
  return { same: JSON.stringify(sent) === JSON.stringify(echoed), echoed, texts, counts, shelved, refused, puts };
}

const connection = new autobahn.Connection({ url, realm, max_retries: 0 });
connection.onopen = (session: WampSession) => {
  run(session).then(
    (out) => {
      process.stdout.write("RESULT " + JSON.stringify(out) + "\n");
      connection.close();
      process.exit(0);
    },
    (e: unknown) => {
      process.stdout.write("ERROR " + String(e instanceof Error ? e.message : JSON.stringify(e)) + "\n");
      process.exit(1);
    },
  );
};
connection.onclose = (reason: string) => {
  process.stdout.write("ERROR closed " + reason + "\n");
  process.exit(1);
};
connection.open();

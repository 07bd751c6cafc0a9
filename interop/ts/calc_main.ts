// Calls the Rust typed calculator (`wamp_tests::typed::Calc`) through the TypeScript client that
// wamp-codegen generates from interfaces/com.typed.calc.json (copied next to this file as
// calc.ts). Compiled with `tsc --strict`, run by node: node calc_main.js URL REALM.
// Prints one line: RESULT {json}, or ERROR message.

import { CalcError, CalculatorClient, Computed, WampCallError, WampSession } from "./calc";

declare const require: (name: string) => any;
declare const process: { argv: string[]; exit(code: number): never; stdout: { write(s: string): void } };

const g = globalThis as { WebSocket?: unknown };
g.WebSocket = g.WebSocket || require("ws");
const autobahn = require("autobahn");
const [url, realm] = process.argv.slice(2);

async function run(session: WampSession): Promise<{ [key: string]: unknown }> {
  const calc = new CalculatorClient(session);
  const add: number = await calc.add(2, 3);
  const divide: number = await calc.divide(7, 2);
  const norm: number = await calc.norm({ x: 3, y: 4 });
  const echoNone: string | null = await calc.echo();
  const echoSome: string | null = await calc.echo("hi");
  const any: string = await calc.any("com.typed.any.ts", "t");
  const seen: number[] = [];
  const counted: number[] = await calc.count(3, (item) => seen.push(item));
  const collected: number[] = await calc.count(2);
  let error: { uri: string; name: string; dividend: number } | null = null;
  try {
    await calc.divide(9, 0);
  } catch (e) {
    const failure = e as WampCallError<CalcError>;
    const declared = failure.declared;
    if (declared !== null && declared.name === "DivideByZero") {
      // The union narrows: `kwargs.dividend` is a number here.
      error = { uri: declared.uri, name: declared.name, dividend: declared.kwargs.dividend };
    }
  }
  let undeclared: { uri: string; declared: boolean } | null = null;
  try {
    await calc.any("com.other.x", "t");
  } catch (e) {
    const failure = e as WampCallError<never>;
    undeclared = { uri: failure.uri, declared: failure.declared !== null };
  }
  const event = await new Promise<Computed>((resolve) => {
    const raw = session as unknown as {
      publish(topic: string, args: unknown[], kwargs: object, options: object): unknown;
    };
    calc
      .onComputed((c) => resolve(c))
      .then(() => raw.publish("com.typed.calc.computed", [], { a: 40, b: 2, sum: 42 }, { exclude_me: false }));
  });
  return { add, divide, norm, echoNone, echoSome, any, seen, counted, collected, error, undeclared, event };
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

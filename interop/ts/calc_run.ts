// The calls that interop/ts/calc_main.ts (node) and interop/ts/calc_browser.ts (a web page in
// Chromium) make to the Rust typed calculator (`wamp_tests::typed::Calc`) through the TypeScript
// client that wamp-codegen generates from interfaces/com.typed.calc.json (copied next to this
// file as calc.ts). Gives back the object printed as `RESULT {json}`. The connection reads and
// writes 64-bit integers exactly (WampJsonSerializer); progressive results are async iterables;
// calls are canceled by an AbortSignal.

import { CalcError, CalculatorClient, Computed, WampCallError, WampJsonSerializer, WampSession } from "./calc";

export async function run(session: WampSession): Promise<{ [key: string]: unknown }> {
  const calc = new CalculatorClient(session);
  const add: number | bigint = await calc.add(2, 3);
  const divide: number | bigint = await calc.divide(7, 2);
  // Past 2^53, exactly: a bigint both ways.
  const big: number | bigint = await calc.add(9007199254740993n, 1);
  const norm: number = await calc.norm({ x: 3, y: 4 });
  const echoNone: string | null = await calc.echo();
  const echoSome: string | null = await calc.echo("hi");
  const any: string = await calc.any("com.typed.any.ts", "t");
  const seen: number[] = [];
  for await (const item of calc.count(3)) seen.push(item);
  const collected: number[] = [];
  for await (const item of calc.count(2)) collected.push(item);
  // Leaving the loop early cancels the endless stream at the callee.
  const early: number[] = [];
  for await (const tick of calc.ticks(5)) {
    early.push(tick);
    if (early.length === 2) break;
  }
  // An aborted signal cancels a call, and a stream.
  const failure = (e: unknown) => (e instanceof WampCallError ? e.uri : String(e));
  const control = new AbortController();
  setTimeout(() => control.abort(), 50);
  const aborted = await calc.sleep(2000, { signal: control.signal, timeout: 5000 }).then(() => "finished", failure);
  const streamControl = new AbortController();
  let abortedStream = "finished";
  try {
    for await (const tick of calc.ticks(5, { signal: streamControl.signal })) {
      if (tick === 2) streamControl.abort();
    }
  } catch (e) {
    abortedStream = failure(e);
  }
  // The method's timeout_ms (300) goes to the dealer; a per-call timeout replaces it.
  const timedOut = await calc.sleep(1000).then(() => "finished", failure);
  const longer = await calc.sleep(400, { timeout: 3000 }).then(() => "finished", failure);
  let error: { uri: string; name: string; dividend: number } | null = null;
  try {
    await calc.divide(9, 0);
  } catch (e) {
    const failure = e as WampCallError<CalcError>;
    const declared = failure.declared;
    if (declared !== null && declared.name === "DivideByZero") {
      // The union narrows: `kwargs.dividend` is an i64 here.
      error = { uri: declared.uri, name: declared.name, dividend: Number(declared.kwargs.dividend) };
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
  // The serializer itself: big integers only, never digits inside strings or fractions.
  const json = new WampJsonSerializer();
  const parsed = json.unserialize('[0.12345678901234567891, "12345678901234567890", 12345678901234567890, -9007199254740993, 5]') as unknown[];
  const serializer = {
    parsed: parsed.map((v) => (typeof v === "bigint" ? `${v}n` : v)),
    text: json.serialize([18446744073709551615n, 7n, "x"]),
  };
  return {
    serializer,
    add: Number(add), divide: Number(divide), big: String(big), norm, echoNone, echoSome, any, seen, collected,
    early, aborted, abortedStream, timedOut, longer, error, undeclared, event,
  };
}

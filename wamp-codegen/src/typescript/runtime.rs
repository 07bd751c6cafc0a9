//! The TypeScript that every generated module starts with: the part of autobahn-js it uses,
//! the call error, and the helpers behind calls.

pub(super) const RUNTIME: &str = r#"/** The part of an autobahn-js `Session` the clients use. */
export interface WampSession {
  call(
    procedure: string,
    args?: unknown[],
    kwargs?: { [key: string]: unknown },
    options?: { [key: string]: unknown },
  ): WampCall;
  subscribe(
    topic: string,
    handler: (args?: unknown[], kwargs?: { [key: string]: unknown }, details?: unknown) => void,
    options?: { [key: string]: unknown },
  ): PromiseLike<unknown>;
}

/** What autobahn-js answers for a call: a promise that also reports progressive results. */
export interface WampCall {
  then(
    onResult: (result: unknown) => void,
    onError: (error: unknown) => void,
    onProgress?: (progress: unknown) => void,
  ): unknown;
  /** Sends CANCEL for the call. */
  cancel?(options?: { mode?: string }): unknown;
}

/** Per-call options, the last parameter of every client method. */
export interface CallOptions {
  /** Cancels the call when aborted, with the procedure's cancel mode; the call then fails with
   * `wamp.error.canceled`. */
  signal?: AbortSignal;
  /** How long the dealer lets the call run, in milliseconds (`CALL.Options.timeout`), instead
   * of the procedure's own `timeout_ms`. A dealer that does not announce `call_timeout`
   * (Crossbar.io 26.10.1) ignores it: use `signal: AbortSignal.timeout(ms)` there. */
  timeout?: number;
  /** Asks the dealer to disclose this caller to the callee (`CALL.Options.disclose_me`). */
  discloseMe?: boolean;
}

/** A URI component or JSON number as an integer: a `bigint` past 2^53, else a `number`. */
export function wideInteger(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : BigInt(text);
}

const BIGINT_MARK = "\u0000bigint:";

/**
 * autobahn-js's JSON serializer, with integers past 2^53 read as `bigint` and `bigint`s written
 * as JSON numbers, so 64-bit integers travel exactly: `new autobahn.Connection({ transports:
 * [{ type: "websocket", url, serializers: [new WampJsonSerializer()] }], ... })`.
 */
export class WampJsonSerializer {
  readonly SERIALIZER_ID = "json";
  readonly BINARY = false;

  serialize(obj: unknown): string {
    const text = JSON.stringify(obj, (_key, value: unknown) =>
      typeof value === "bigint" ? BIGINT_MARK + value.toString() : value,
    );
    return text.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
  }

  unserialize(payload: string): unknown {
    // Strings are matched whole, so digits inside them are left alone.
    const marked = payload.replace(/"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![.eE\d])/g, (token) =>
      token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"\\u0000bigint:${token}"`,
    );
    return JSON.parse(marked, (_key, value: unknown) =>
      typeof value === "string" && value.startsWith(BIGINT_MARK) ? BigInt(value.slice(BIGINT_MARK.length)) : value,
    );
  }
}

/**
 * A failed call: the error URI and payload as received. `declared` is the error as the
 * procedure declares it, when the URI is one of its errors; `null` otherwise (a router error
 * such as `wamp.error.no_such_procedure`, or an undeclared one).
 */
export class WampCallError<E = never> extends Error {
  constructor(
    readonly uri: string,
    readonly args: unknown[],
    readonly kwargs: { [key: string]: unknown },
    readonly declared: E | null,
  ) {
    super(`${uri}${args.length > 0 ? ` ${JSON.stringify(args)}` : ""}`);
    this.name = "WampCallError";
  }
}

interface ErrorVariant {
  readonly uri: string;
  readonly name: string;
}
"#;

/// The helpers behind calls, emitted when a service has a procedure (so that a module
/// compiles under `noUnusedLocals`).
pub(super) const CALLS: &str = r#"
function unwrapResult(result: unknown): unknown {
  if (result === undefined) return null;
  if (result !== null && typeof result === "object" && "args" in result && "kwargs" in result) {
    const r = result as { args: unknown[]; kwargs: { [key: string]: unknown } };
    if (Array.isArray(r.args)) return r.args.length > 0 ? r.args[0] : r.kwargs;
  }
  return result;
}

function callError<E>(error: unknown, declared: readonly ErrorVariant[]): unknown {
  if (error === null || typeof error !== "object" || !("error" in error)) return error;
  const e = error as { error: unknown; args?: unknown; kwargs?: unknown };
  const uri = String(e.error);
  const args = Array.isArray(e.args) ? e.args : [];
  const kwargs =
    e.kwargs !== null && typeof e.kwargs === "object" ? (e.kwargs as { [key: string]: unknown }) : {};
  const variant = declared.find((v) => v.uri === uri);
  const typed = variant ? ({ uri, name: variant.name, args, kwargs } as unknown as E) : null;
  return new WampCallError<E>(uri, args, kwargs, typed);
}

function trimArgs(args: unknown[]): void {
  while (args.length > 0 && (args[args.length - 1] === undefined || args[args.length - 1] === null)) {
    args.pop();
  }
}

/** A URI template and the values of its `{name}` components (typed URI captures). */
type Procedure = string | { template: string; captures: { [name: string]: unknown } };

function resolveProcedure(procedure: Procedure): string {
  if (typeof procedure === "string") return procedure;
  return procedure.template
    .split(".")
    .map((component) => {
      const name = /^\{(.+)\}$/.exec(component)?.[1];
      if (name === undefined) return component;
      const value = procedure.captures[name];
      const text =
        typeof value === "string" || typeof value === "bigint" || typeof value === "boolean"
          ? String(value)
          : typeof value === "number" && Number.isInteger(value)
            ? String(value)
            : null;
      if (text === null) {
        throw new TypeError(`capture \`${name}\`: a URI component is a string, an integer or a boolean`);
      }
      if (text === "" || /[.#\s]/.test(text)) {
        throw new TypeError(`capture \`${name}\`: ${JSON.stringify(text)} cannot be a URI component`);
      }
      return text;
    })
    .join(".");
}

/** A method's own options: its `timeout_ms` and its cancel mode. */
interface Defaults {
  timeout?: number;
  cancel: string;
}

function wireOptions(defaults: Defaults, options: CallOptions | undefined): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  const timeout = options?.timeout ?? defaults.timeout;
  if (timeout !== undefined) out.timeout = timeout;
  if (options?.discloseMe) out.disclose_me = true;
  return out;
}

function canceled(): WampCallError<never> {
  return new WampCallError<never>("wamp.error.canceled", [], {}, null);
}

function prepare(args: unknown[], kwargs: { [key: string]: unknown }): void {
  trimArgs(args);
  for (const key of Object.keys(kwargs)) {
    if (kwargs[key] === undefined || kwargs[key] === null) delete kwargs[key];
  }
}

"#;

/// The helper behind calls that are not progressive, emitted when a service has one.
pub(super) const CALL: &str = r#"
function call<T, E>(
  session: WampSession,
  procedure: Procedure,
  args: unknown[],
  kwargs: { [key: string]: unknown },
  declared: readonly ErrorVariant[],
  defaults: Defaults,
  options?: CallOptions,
): Promise<T> {
  prepare(args, kwargs);
  return new Promise<T>((resolve, reject) => {
    const signal = options?.signal;
    if (signal?.aborted) return reject(canceled());
    const pending = session.call(resolveProcedure(procedure), args, kwargs, wireOptions(defaults, options));
    // Under `kill` the dealer answers the CANCEL with `wamp.error.canceled`; under the other
    // modes autobahn-js gives up at once.
    const abort = () => {
      pending.cancel?.({ mode: defaults.cancel });
      if (defaults.cancel !== "kill") reject(canceled());
    };
    signal?.addEventListener("abort", abort, { once: true });
    pending.then(
      (result) => {
        signal?.removeEventListener("abort", abort);
        resolve(unwrapResult(result) as T);
      },
      (error) => {
        signal?.removeEventListener("abort", abort);
        reject(callError<E>(error, declared));
      },
    );
  });
}
"#;

/// The helper behind progressive calls, emitted when a procedure has progressive results.
pub(super) const PROGRESSIVE: &str = r#"
/** The last item of a progressive call: what its final RESULT carries, if anything. */
function finalItem(result: unknown): { item: unknown } | null {
  if (result === undefined || result === null) return null;
  if (typeof result === "object" && "args" in result && "kwargs" in result) {
    const r = result as { args: unknown[]; kwargs: { [key: string]: unknown } };
    if (Array.isArray(r.args) && r.args.length === 0 && Object.keys(r.kwargs ?? {}).length === 0) {
      return null;
    }
  }
  return { item: unwrapResult(result) };
}

/**
 * A progressive call as an `AsyncIterable`: each progressive result is an item, then what the
 * final result carries, if anything. Leaving the loop early, or aborting the signal, cancels
 * the call with the procedure's cancel mode.
 */
function callStream<T, E>(
  session: WampSession,
  procedure: Procedure,
  args: unknown[],
  kwargs: { [key: string]: unknown },
  declared: readonly ErrorVariant[],
  defaults: Defaults,
  options?: CallOptions,
): AsyncIterable<T> {
  prepare(args, kwargs);
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const items: T[] = [];
      let ended = false;
      let failure: { error: unknown } | null = null;
      let wake: (() => void) | null = null;
      let pending: WampCall | null = null;
      const signal = options?.signal;
      const notify = () => {
        const w = wake;
        wake = null;
        w?.();
      };
      const end = (error?: { error: unknown }) => {
        if (ended) return;
        ended = true;
        if (error) failure = error;
        signal?.removeEventListener("abort", abort);
        notify();
      };
      const abort = () => {
        pending?.cancel?.({ mode: defaults.cancel });
        end({ error: canceled() });
      };
      const start = () => {
        if (signal?.aborted) return end({ error: canceled() });
        signal?.addEventListener("abort", abort, { once: true });
        try {
          const wire = { ...wireOptions(defaults, options), receive_progress: true };
          pending = session.call(resolveProcedure(procedure), args, kwargs, wire);
        } catch (error) {
          return end({ error });
        }
        pending.then(
          (result) => {
            const last = finalItem(result);
            if (last !== null && !ended) items.push(last.item as T);
            end();
          },
          (error) => end({ error: callError<E>(error, declared) }),
          (progress) => {
            if (ended) return;
            items.push(unwrapResult(progress) as T);
            notify();
          },
        );
      };
      let started = false;
      return {
        async next(): Promise<IteratorResult<T>> {
          if (!started) {
            started = true;
            start();
          }
          while (items.length === 0 && !ended) {
            await new Promise<void>((resolve) => (wake = resolve));
          }
          if (items.length > 0) return { value: items.shift() as T, done: false };
          if (failure !== null) throw (failure as { error: unknown }).error;
          return { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<T>> {
          if (!ended) pending?.cancel?.({ mode: defaults.cancel });
          end();
          items.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
"#;

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

function call<T, E>(
  session: WampSession,
  procedure: Procedure,
  args: unknown[],
  kwargs: { [key: string]: unknown },
  declared: readonly ErrorVariant[],
  options: { [key: string]: unknown } = {},
): Promise<T> {
  trimArgs(args);
  for (const key of Object.keys(kwargs)) {
    if (kwargs[key] === undefined || kwargs[key] === null) delete kwargs[key];
  }
  return new Promise<T>((resolve, reject) => {
    session.call(resolveProcedure(procedure), args, kwargs, options).then(
      (result) => resolve(unwrapResult(result) as T),
      (error) => reject(callError<E>(error, declared)),
    );
  });
}
"#;

/// The helper behind progressive calls, emitted when a procedure has progressive results.
pub(super) const PROGRESSIVE: &str = r#"
function callProgressive<T, E>(
  session: WampSession,
  procedure: Procedure,
  args: unknown[],
  kwargs: { [key: string]: unknown },
  declared: readonly ErrorVariant[],
  onProgress: ((item: T) => void) | undefined,
  options: { [key: string]: unknown } = {},
): Promise<T[]> {
  if (onProgress === undefined) {
    return call<T[], E>(session, procedure, args, kwargs, declared, options);
  }
  const items: T[] = [];
  trimArgs(args);
  return new Promise<T[]>((resolve, reject) => {
    session.call(resolveProcedure(procedure), args, kwargs, { ...options, receive_progress: true }).then(
      () => resolve(items),
      (error) => reject(callError<E>(error, declared)),
      (progress) => {
        const item = unwrapResult(progress) as T;
        items.push(item);
        onProgress(item);
      },
    );
  });
}
"#;

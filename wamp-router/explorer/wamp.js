/* The WAMP v2 client of the service explorer (explorer.js uses it): roles caller and
 * subscriber, JSON over the browser's WebSocket (subprotocol wamp.2.json), anonymous or ticket
 * authentication, progressive results, CANCEL and call timeouts; and JSON that keeps big integers exact.
 * A classic script: its declarations are the page's globals, loaded before explorer.js.
 */
'use strict';
// ---- JSON that keeps big integers: read as BigText, written back as their digits. ----------
class BigText { constructor(digits) { this.digits = digits; } }
const MAX_ID = 2 ** 53;
const parseJSON = (text) => JSON.parse(text, (key, value, context) =>
  (typeof value === 'number' && Math.abs(value) >= MAX_ID && /^-?\d+$/.test(context?.source ?? '')
    && String(value) !== context.source ? new BigText(context.source) : value));
const toJSON = (value, indent) => (JSON.stringify(value, (key, v) =>
  (v instanceof BigText ? `\u0001big:${v.digits}` : v), indent) ?? 'null')
  .replace(/"\\u0001big:(-?\d+)"/g, '$1');

// ---- A WAMP v2 client: caller and subscriber. ----------------------------------------------
const MSG = { HELLO: 1, WELCOME: 2, ABORT: 3, CHALLENGE: 4, AUTHENTICATE: 5, GOODBYE: 6, ERROR: 8,
  SUBSCRIBE: 32, SUBSCRIBED: 33, UNSUBSCRIBE: 34, UNSUBSCRIBED: 35, EVENT: 36, CALL: 48, CANCEL: 49, RESULT: 50 };

class WampError extends Error {
  constructor(uri, args = [], kwargs = {}, details = {}) { super(uri); Object.assign(this, { uri, args, kwargs, details }); }
}
const why = (details, reason) => `${reason}${details?.message ? ` (${details.message})` : ''}`;

class WampSession {
  /** Opens the WebSocket and joins `realm`; `onclose(reason)` is told once why it ended. */
  constructor({ url, realm, authid, ticket, onclose }) {
    Object.assign(this, { ticket, onclose, nextRequest: 1, closed: false });
    this.pending = new Map();   // request ID -> {resolve, reject, progress}
    this.handlers = new Map();  // subscription ID -> Set of event handlers
    this.joined = new Promise((resolve, reject) => { this.join = { resolve, reject }; });
    const features = { progressive_call_results: true, call_canceling: true };
    const details = { agent: 'wamp-rs explorer', roles: { caller: { features }, subscriber: { features: {} } } };
    if (authid) details.authid = authid;
    if (ticket) details.authmethods = ['ticket'];
    this.ws = new WebSocket(url, ['wamp.2.json']);
    this.ws.onopen = () => { this.opened = true; this.send([MSG.HELLO, realm, details]); };
    this.ws.onmessage = (e) => this.receive(parseJSON(e.data));
    this.ws.onclose = (e) => this.end(this.reason || (this.opened
      ? `connection closed (${e.code}${e.reason ? ` ${e.reason}` : ''})` : `could not connect to ${url}`));
  }

  send(message) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(typeof message === 'string' ? message : toJSON(message));
  }

  quit(reason) { this.reason = reason; this.ws.close(); }

  /** Sends the request `build(id)` makes with the next ID (one sequence from 1, as the spec
   *  asks): answers {request, result}, `progress` being given each progressive RESULT. With
   *  `timeoutMs`, a request still unanswered then is rejected (wamp.error.timeout) and forgotten,
   *  after `expire(id)` (a CALL's: CANCEL killnowait). */
  ask(build, progress, { timeoutMs, expire } = {}) {
    const request = this.nextRequest;
    this.nextRequest = request >= MAX_ID ? 1 : request + 1;
    const result = this.closed ? Promise.reject(new WampError('connection closed'))
      : new Promise((resolve, reject) => {
        const timer = timeoutMs > 0 ? setTimeout(() => {
          if (this.take(request)) {
            expire?.(request);
            reject(new WampError('wamp.error.timeout', [`no answer in ${timeoutMs} ms`]));
          }
        }, timeoutMs) : null;
        this.pending.set(request, { resolve, reject, progress, timer });
      });
    this.send(build(request));
    return { request, result };
  }

  /** Takes the pending request `request` out (stopping its timer): its entry, if pending. */
  take(request) {
    const p = this.pending.get(request);
    this.pending.delete(request);
    if (p) clearTimeout(p.timer);
    return p;
  }

  receive(m) {
    switch (m[0]) {
      case MSG.WELCOME: Object.assign(this, { id: m[1], details: m[2] }); this.join.resolve(this); break;
      case MSG.ABORT: this.quit(why(m[1], `aborted: ${m[2]}`)); break;
      case MSG.CHALLENGE:
        if (m[1] === 'ticket' && this.ticket) this.send([MSG.AUTHENTICATE, this.ticket, {}]);
        else this.quit(`cannot answer the ${m[1]} challenge`);
        break;
      case MSG.GOODBYE:
        if (!this.goodbye) this.send([MSG.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
        this.quit(this.goodbye ? 'disconnected' : why(m[1], `goodbye: ${m[2]}`));
        break;
      case MSG.RESULT: {
        const result = { details: m[2] || {}, args: m[3] || [], kwargs: m[4] || {} };
        if (result.details.progress) this.pending.get(m[1])?.progress?.(result);
        else this.take(m[1])?.resolve(result);
        break;
      }
      case MSG.ERROR: this.take(m[2])?.reject(new WampError(m[4], m[5], m[6], m[3])); break;
      case MSG.SUBSCRIBED: this.take(m[1])?.resolve(m[2]); break;
      case MSG.UNSUBSCRIBED: // request 0: the router revoked the subscription
        if (m[1]) this.take(m[1])?.resolve();
        else this.handlers.get(m[2]?.subscription)?.forEach((handler) => handler(null));
        break;
      case MSG.EVENT: {
        const event = { publication: m[2], details: m[3] || {}, args: m[4] || [], kwargs: m[5] || {} };
        this.handlers.get(m[1])?.forEach((handler) => handler(event));
        break;
      }
      default: break;
    }
  }

  end(reason) {
    if (this.closed) return;
    this.closed = true;
    const error = new WampError('connection closed');
    this.pending.forEach((p) => { clearTimeout(p.timer); p.reject(error); });
    this.pending.clear();
    this.join.reject(error);
    this.onclose(reason);
  }

  /** CALL with the arguments given as JSON texts (so that big integers keep every digit).
   *  `timeoutMs` (local): the CALL asks the dealer for that `timeout` too, and a call still
   *  unanswered then is cancelled (killnowait) and rejected with wamp.error.timeout. */
  callText(procedure, argsText, kwargsText, options = {}, progress, { timeoutMs } = {}) {
    const tail = kwargsText ? `,${argsText || '[]'},${kwargsText}` : argsText ? `,${argsText}` : '';
    if (timeoutMs > 0 && options.timeout === undefined) options = { ...options, timeout: Math.ceil(timeoutMs) };
    return this.ask((id) => `[${MSG.CALL},${id},${toJSON(options)},${JSON.stringify(procedure)}${tail}]`, progress,
      { timeoutMs, expire: (id) => this.send([MSG.CANCEL, id, { mode: 'killnowait' }]) });
  }

  /** CALL with the arguments as values: answers the RESULT {details, args, kwargs}. */
  call(procedure, args = [], kwargs, options = {}, { timeoutMs } = {}) {
    return this.callText(procedure, toJSON(args), kwargs && toJSON(kwargs), options, null, { timeoutMs }).result;
  }

  /** Asks the dealer to end the call `request` (CANCEL, mode kill). */
  cancel(request) { if (this.pending.has(request)) this.send([MSG.CANCEL, request, { mode: 'kill' }]); }

  /** Subscribes `handler` (given each event, or null when the router revokes it). */
  async subscribe(topic, handler, options = {}) {
    const id = await this.ask((request) => [MSG.SUBSCRIBE, request, options, topic]).result;
    this.handlers.set(id, (this.handlers.get(id) || new Set()).add(handler));
    return { id, handler };
  }

  async unsubscribe({ id, handler }) {
    const handlers = this.handlers.get(id);
    if (!handlers?.delete(handler) || handlers.size) return;
    this.handlers.delete(id);
    await this.ask((request) => [MSG.UNSUBSCRIBE, request, id]).result;
  }

  close() {
    if (this.id === undefined) return this.quit('disconnected');
    this.goodbye = true;
    this.send([MSG.GOODBYE, {}, 'wamp.close.close_realm']);
    return setTimeout(() => this.quit('disconnected'), 1000);
  }
}

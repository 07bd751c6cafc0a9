/* The WAMP service explorer ("Swagger UI for WAMP"), served by wamp-router at /explorer/.
 *
 * No build step, no library: a small WAMP v2 client (wamp.js, loaded first) and a live view of
 * one realm:
 *  - its sessions, registrations and subscriptions (the meta API; refreshed on its meta events);
 *  - its described services: the router's reflection (wamp.reflection.*) when WELCOME announces
 *    it, else every exact registration `*.describe` the meta API lists, called for its document;
 *  - a form per procedure, built from the argument schemas, to call it (progressive results,
 *    cancel, errors named after the declared error they are);
 *  - the events of any topic, newest first.
 * Query: ?realm=NAME connects at once to the page's own host; ?url=ws://host:port/ another
 * router (then only filled in: the user presses Connect, unless it is this page's host).
 *
 * The DOM contract the tests rely on is in index.html.
 */
'use strict';

// ---- DOM helpers. ---------------------------------------------------------------------------
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
const byUri = (selector, uri) => $$(`${selector}[data-uri="${CSS.escape(uri)}"]`);

/** An element: attributes (on* are listeners; value and checked are properties), children. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}
/** Documentation text, with `code` spans. */
const docs = (text, tag = 'p') => text && h(tag, { class: 'docs' },
  String(text).split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part)));
const badge = (text, title) => h('span', { class: 'badge', title }, text);
const pretty = (label, value) => h('details', { class: 'schema' },
  h('summary', {}, label), h('pre', { class: 'json' }, toJSON(value, 2)));
const payload = ({ args, kwargs }) => toJSON(args || []) +
  (kwargs && Object.keys(kwargs).length ? ` ${toJSON(kwargs)}` : '');

// ---- JSON Schemas of descriptions (as wamp_core::describe reads them). ----------------------
const refName = (schema) => (typeof schema?.$ref === 'string' && schema.$ref.startsWith('#/$defs/')
  ? schema.$ref.slice(8) : null);
/** `schema` with `$ref`s into `defs` followed (up to 32). */
function resolve(schema, defs) {
  for (let i = 0; i < 32 && refName(schema) && refName(schema) in defs; i++) schema = defs[refName(schema)];
  return schema ?? {};
}
/** Whether `schema` accepts null, which makes a parameter optional (`accepts_null`). */
function acceptsNull(schema, defs, depth = 0) {
  const s = resolve(schema, defs);
  if (depth > 32) return false;
  if (typeof s === 'boolean') return s;
  if (typeof s !== 'object') return false;
  if ('const' in s) return s.const === null;
  if (Array.isArray(s.enum)) return s.enum.includes(null);
  const alternatives = s.anyOf || s.oneOf;
  if (Array.isArray(alternatives)) return alternatives.some((a) => acceptsNull(a, defs, depth + 1));
  if (Array.isArray(s.allOf) && !s.allOf.every((a) => acceptsNull(a, defs, depth + 1))) return false;
  if (typeof s.type === 'string') return s.type === 'null';
  return Array.isArray(s.type) ? s.type.includes('null') : true;
}
/** `schema` with its `$ref`s written out in place (each beside its `$ref`), for display. */
function inline(schema, defs, seen = []) {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, defs, seen));
  if (!schema || typeof schema !== 'object') return schema;
  const name = refName(schema);
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, defs, seen)]));
  return name && name in defs && !seen.includes(name)
    ? { $ref: schema.$ref, ...inline(defs[name], defs, [...seen, name]), ...out } : out;
}
/** Which input a schema gets: integer, number, boolean, string, enum (with values) or json. */
function inputType(schema, defs) {
  const s = resolve(schema, defs);
  if (typeof s !== 'object') return { kind: 'json' };
  if (Array.isArray(s.enum)) return { kind: 'enum', values: s.enum.filter((v) => v !== null) };
  if ('const' in s) return { kind: 'enum', values: [s.const] };
  const alternatives = (s.anyOf || s.oneOf || []).filter((a) => resolve(a, defs).type !== 'null');
  if (alternatives.length === 1) return inputType(alternatives[0], defs);
  if (alternatives.length) {
    const all = alternatives.map((a) => inputType(a, defs));
    return all.every((t) => t.kind === 'enum') ? { kind: 'enum', values: all.flatMap((t) => t.values) } : { kind: 'json' };
  }
  const types = [].concat(s.type || []).filter((t) => t !== 'null');
  return { kind: types.length === 1 && ['integer', 'number', 'boolean', 'string'].includes(types[0]) ? types[0] : 'json' };
}
/** A one-line summary of a schema: its name, type, format, description. */
function summary(schema, defs) {
  const s = resolve(schema, defs);
  const type = s.type ? [].concat(s.type).join(' | ') : s.enum ? 'enum' : (s.anyOf || s.oneOf) ? 'one of' : 'any';
  return [refName(schema), type, s.format, s.description].filter(Boolean).join(' · ');
}
/** A value of the schema's shape, as a placeholder for JSON inputs. */
function example(schema, defs, depth = 0) {
  const s = resolve(schema, defs);
  const more = (item) => example(item, defs, depth + 1);
  if (depth > 4 || typeof s !== 'object') return null;
  if ('const' in s || Array.isArray(s.enum)) return 'const' in s ? s.const : s.enum[0];
  const alternative = (s.anyOf || s.oneOf || []).find((a) => !acceptsNull(a, defs));
  if (alternative) return more(alternative);
  const type = [].concat(s.type || []).find((t) => t !== 'null');
  if (type === 'object') return Object.fromEntries(Object.entries(s.properties || {}).map(([k, v]) => [k, more(v)]));
  if (type === 'array') return (s.prefixItems || (s.items ? [s.items] : [])).map(more);
  return { integer: 0, number: 0, boolean: false, string: '' }[type] ?? null;
}

// ---- The page's state, the connect bar and the status. ---------------------------------------
const state = { session: null, services: [], topics: new Map(), cards: new Map() };
const META_TOPICS = ['wamp.session.on_join', 'wamp.session.on_leave',
  ...['on_create', 'on_register', 'on_unregister', 'on_delete'].map((e) => `wamp.registration.${e}`),
  ...['on_create', 'on_subscribe', 'on_unsubscribe', 'on_delete'].map((e) => `wamp.subscription.${e}`)];

function setStatus(kind, text) {
  Object.assign($('#status'), { textContent: text }).dataset.state = kind;
  $('#connect').textContent = kind === 'connected' || kind === 'connecting' ? 'Disconnect' : 'Connect';
}

function connect() {
  const realm = $('#realm').value.trim() || 'realm1';
  const url = $('#url').value.trim();
  setStatus('connecting', `connecting to ${url}…`);
  let session;
  try {
    session = new WampSession({ url, realm, authid: $('#authid').value.trim(), ticket: $('#ticket').value,
      onclose: (reason) => closed(session, reason) });
  } catch (e) {
    return setStatus('closed', e.message);
  }
  state.session = session;
  session.joined.then(() => joined(session), () => {});
}

function closed(session, reason) {
  if (state.session !== session) return;
  state.session = null;
  setStatus('closed', reason);
  $('#identity').textContent = '';
  for (const t of state.topics.values()) {
    Object.assign(t, { sub: null, pending: false });
    drawTopic(t);
  }
}

async function joined(session) {
  const d = session.details;
  setStatus('connected', 'connected');
  $('#identity').textContent = `session ${session.id} · ${d.authid ?? '?'} (${d.authrole ?? '?'})`;
  refreshRealm();
  refreshServices();
  for (const meta of META_TOPICS) {
    session.subscribe(meta, () => later(meta.startsWith('wamp.registration.on_')))
      .catch((e) => { $('#realm-note').textContent = `not live: ${meta}: ${e.uri}`; });
  }
}

const soon = { timer: null, first: 0, services: false };
/** Reads the realm again soon: 300 ms after a burst of meta events ends, yet at most 1 s after
 *  the first event still waiting; the services too when asked. */
function later(services) {
  soon.services ||= services;
  if (soon.timer === null) soon.first = Date.now(); else clearTimeout(soon.timer);
  soon.timer = setTimeout(() => {
    const alsoServices = soon.services;
    Object.assign(soon, { timer: null, services: false });
    refreshRealm();
    if (alsoServices) refreshServices();
  }, Math.max(0, Math.min(300, soon.first + 1000 - Date.now())));
}

/** args[0] of a call by the current session; given up after 5 s (a `*.describe` may never answer). */
const call1 = (session, procedure, ...args) => session.call(procedure, args, undefined, {}, { timeoutMs: 5000 })
  .then((r) => r.args[0]);
/** call1, but while one with the same procedure and args is in flight, that one's answer. */
function describe(session, procedure, ...args) {
  const inflight = (session.describing ||= new Map());
  const key = toJSON([procedure, args]);
  if (!inflight.has(key)) inflight.set(key, call1(session, procedure, ...args).finally(() => inflight.delete(key)));
  return inflight.get(key);
}

// ---- 1. Sessions, registrations and subscriptions (the meta API). -----------------------------
let realmRound = 0;
async function refreshRealm() {
  const session = state.session;
  if (!session) return;
  const round = ++realmRound;
  const one = (procedure, ...args) => call1(session, procedure, ...args);
  const entries = (kind, lists, count) => Promise.all(['exact', 'prefix', 'wildcard']
    .flatMap((match) => lists?.[match] || [])
    .map((id) => Promise.all([one(`wamp.${kind}.get`, id), one(`wamp.${kind}.${count}`, id).catch(() => '?')])
      .then(([entry, n]) => ({ ...entry, count: n }), () => null)));
  try {
    const [ids, registrations, subscriptions] = await Promise.all(
      ['wamp.session.list', 'wamp.registration.list', 'wamp.subscription.list'].map((p) => one(p)));
    const all = await Promise.all([Promise.all(ids.map((id) => one('wamp.session.get', id).catch(() => null))),
      entries('registration', registrations, 'count_callees'), entries('subscription', subscriptions, 'count_subscribers')]);
    if (round !== realmRound) return;
    const [sessions, regs, subs] = all.map((list) => list.filter(Boolean));
    fill('sessions', sessions.map((s) => h('tr', { 'data-session': s.session, class: s.session === session.id ? 'me' : null },
      h('td', {}, h('code', {}, s.session)), h('td', {}, s.authid), h('td', {}, s.authrole), h('td', {}, s.authmethod))));
    const rows = (list, ...columns) => list.sort((a, b) => a.uri.localeCompare(b.uri)).map((r) =>
      h('tr', { 'data-uri': r.uri, 'data-id': r.id, 'data-match': r.match }, h('td', {}, uriLink(r.uri)),
        columns.map((c) => h('td', {}, r[c]))));
    fill('registrations', rows(regs, 'match', 'invoke', 'count'));
    fill('subscriptions', rows(subs, 'match', 'count'));
  } catch (e) {
    $('#realm-note').textContent = `meta API: ${e.uri} ${payload(e)}`;
  }
}
function fill(id, rows) {
  $(`#${id} tbody`).replaceChildren(...rows);
  $(`#${id}-count`).textContent = rows.length;
}
/** A URI; a link to its card when one is described. */
function uriLink(uri) {
  const card = () => byUri('.procedure, .topic', uri)[0];
  return h('code', { class: 'link', onclick: () => card()?.scrollIntoView({ behavior: 'smooth' }) }, uri);
}

// ---- 2. The described services: reflection, else the describe procedures. ---------------------
let servicesRound = 0;
async function refreshServices() {
  const session = state.session;
  if (!session) return;
  const round = ++servicesRound;
  const one = (procedure, ...args) => call1(session, procedure, ...args);
  const reflection = session.details?.roles?.dealer?.features?.reflection === true;
  const note = $('#services-note');
  try {
    const entries = [];   // {kind, service, interface, entry, defs}
    if (reflection) {
      for (const kind of ['procedure', 'topic', 'error']) {
        const uris = await one(`wamp.reflection.${kind}.list`);
        const found = await Promise.all(uris.map((uri) => describe(session, `wamp.reflection.${kind}.describe`, uri).catch(() => null)));
        for (const d of found.filter(Boolean)) entries.push({ kind, ...d, entry: d[kind], defs: d.$defs || {} });
      }
    }
    // The documents themselves (the services' docs, prefixes and error types), by interface;
    // without reflection, every exact registration `*.describe` is one.
    const interfaces = reflection ? entries.map((e) => e.interface) : await Promise.all(
      ((await one('wamp.registration.list')).exact || []).map((id) => one('wamp.registration.get', id).then((r) => r.uri, () => '')));
    const documents = new Map(await Promise.all([...new Set(interfaces)].filter((i) => i.endsWith('.describe'))
      .map((i) => describe(session, i).then((d) => [i, d], () => [i, null]))));
    const services = new Map();
    const service = (iface, name) => {
      const key = `${iface} ${name}`;
      if (!services.has(key)) {
        services.set(key, { interface: iface, name, prefix: '', docs: '', defs: {}, procedures: [], topics: [], errors: [], types: null });
      }
      return services.get(key);
    };
    for (const [iface, doc] of documents) {
      for (const s of doc?.services || []) {
        const entry = Object.assign(service(iface, s.name), { prefix: s.prefix, docs: s.docs, defs: s.$defs || {} });
        entry.types = Object.fromEntries((s.errors || []).map((t) => [t.name, t.variants.map((v) => v.uri)]));
        if (reflection) continue;
        entry.procedures = s.procedures || [];
        entry.topics = s.topics || [];
        entry.errors = (s.errors || []).flatMap((t) => t.variants.map((v) => ({ ...v, type: t.name })));
      }
    }
    for (const e of entries) {
      const s = Object.assign(service(e.interface, e.service), { defs: e.defs });
      const type = Object.entries(s.types || {}).find(([, uris]) => uris.includes(e.entry.uri))?.[0];
      s[`${e.kind}s`].push(e.kind === 'error' ? { ...e.entry, type } : e.entry);
    }
    if (round !== servicesRound) return;
    state.services = [...services.values()].sort((a, b) => (a.prefix || a.name).localeCompare(b.prefix || b.name));
    note.textContent = state.services.length ? '' : 'No described services on this realm.';
    renderServices();
  } catch (e) {
    note.textContent = `${reflection ? 'reflection' : 'meta API'}: ${e.uri} ${payload(e)}`;
  }
}

/** Draws the three columns, keeping the cards whose description has not changed. */
function renderServices() {
  const signature = toJSON(state.services);
  if (signature === state.signature) return;
  state.signature = signature;
  const cards = new Map();
  const card = (kind, uri, hash, build) => {
    const old = state.cards.get(`${kind} ${uri}`);
    const el = old?.hash === hash ? old.el : build();
    cards.set(`${kind} ${uri}`, { hash, el });
    return el;
  };
  const section = (s, items, withDocs) => h('section', { class: 'service', 'data-service': s.name, 'data-interface': s.interface },
    h('h3', {}, s.name, ' ', h('code', {}, s.prefix)), withDocs && docs(s.docs), items);
  const columns = { procedures: [], topics: [], errors: [] };
  for (const s of state.services) {
    const hash = (item) => toJSON([item, s.defs, s.types]);
    columns.procedures.push(section(s, s.procedures.map((p) => card('procedure', p.uri, hash(p), () => procedureCard(s, p))), true));
    if (s.topics.length) columns.topics.push(section(s, s.topics.map((t) => card('topic', t.uri, hash(t), () => topicCard(t.uri, t, s)))));
    if (s.errors.length) columns.errors.push(section(s, s.errors.map((e) => card('error', e.uri, hash(e), () => errorCard(s, e)))));
  }
  state.cards = cards;
  for (const [id, sections] of Object.entries(columns)) {
    $(`#${id}`).replaceChildren(...sections);
    $(`#${id}-count`).textContent = $$(`#${id} .card`).length;
  }
  for (const el of $$('#other-topics .topic')) if (byUri('#topics .topic', el.dataset.uri).length) el.remove();
  for (const t of state.topics.values()) drawTopic(t);
}

function errorCard(s, e) {
  return h('article', { class: 'card error', 'data-uri': e.uri },
    h('header', {}, h('code', { class: 'uri' }, e.uri), badge(e.type ? `${e.type}::${e.name}` : e.name)),
    docs(e.docs), e.args && pretty('args', inline(e.args, s.defs)), e.kwargs && pretty('kwargs', inline(e.kwargs, s.defs)));
}

// ---- 3. A form per procedure, and calling it. -------------------------------------------------
function procedureCard(s, p) {
  const defs = s.defs;
  const fields = [];
  for (const [name, schema] of Object.entries(p.captures?.properties || {})) fields.push(field(name, schema, defs, 'capture', true));
  if (!p.captures && (p.match || 'exact') !== 'exact') {   // a pattern: called at any URI it matches
    fields.push(field('uri', { type: 'string', description: `any URI the ${p.match} pattern matches` }, defs, 'uri', true));
    $('input', fields[0]).value = p.uri;
  }
  const args = resolve(p.args, defs);
  if (Array.isArray(args.prefixItems)) {
    args.prefixItems.forEach((a, i) => fields.push(field(a.title || `arg${i}`, a, defs, 'arg', i < (args.minItems || 0))));
  } else if (args.items) fields.push(field('args', args, defs, 'args', false));
  const kwargs = resolve(p.kwargs, defs);
  const properties = Object.entries(kwargs.properties || {});
  for (const [name, schema] of properties) fields.push(field(name, schema, defs, 'kwarg', (kwargs.required || []).includes(name)));
  if (!properties.length && kwargs.additionalProperties) fields.push(field(p.kwargs.title || 'kwargs', kwargs, defs, 'kwargs', false));
  const errors = p.error ? s.errors.filter((e) => !e.type || e.type === p.error) : [];
  const card = h('article', { class: 'card procedure', 'data-uri': p.uri },
    h('header', {}, h('code', { class: 'uri' }, p.uri), badges(p)),
    docs(p.docs), p.deprecated !== undefined && h('p', { class: 'warn' }, `Deprecated. ${p.deprecated}`),
    p.encrypted && h('p', { class: 'warn' }, 'End-to-end encrypted: calls in the clear are refused.'),
    p.input && h('p', { class: 'note' }, 'Takes a stream (progressive call invocations): this form sends one CALL.'),
    h('form', { class: 'call-form', onsubmit: (e) => { e.preventDefault(); invoke(card, s, p); } },
      fields.length ? h('div', { class: 'fields' }, fields) : h('p', { class: 'note' }, 'No arguments.'),
      h('div', { class: 'actions' }, h('button', { class: 'call', type: 'submit' }, 'Call'),
        h('button', { class: 'cancel', type: 'button', disabled: true }, 'Cancel'))),
    h('ol', { class: 'progress' }), h('pre', { class: 'outcome' }),
    h('div', { class: 'schemas' }, ['args', 'kwargs', 'captures', 'result', 'progress', 'input']
      .filter((k) => p[k] !== undefined).map((k) => pretty(k, inline(p[k], defs))),
    p.error && h('details', { class: 'schema errors' }, h('summary', {}, `errors: ${p.error}`),
      h('ul', {}, errors.map((e) => h('li', {}, h('code', {}, e.uri), ' ', e.name, e.docs && ' — ', docs(e.docs, 'span')))))));
  return card;
}

function badges(p) {
  const list = [p.match && p.match !== 'exact' && `match ${p.match}`, p.invoke && `invoke ${p.invoke}`,
    p.progress && 'progressive', p.timeout_ms && `timeout ${p.timeout_ms} ms`, p.disclose_caller && 'discloses caller',
    p.idempotent && 'idempotent', p.deprecated !== undefined && 'deprecated', p.encrypted && 'encrypted',
    p.payload && `payload ${p.payload}`];
  return h('span', { class: 'badges' }, list.filter(Boolean).map((b) => badge(b)));
}

/** One input, by the schema's type; optional unless required and refusing null. */
function field(name, schema, defs, kind, required) {
  const s = resolve(schema, defs);
  const optional = !required || acceptsNull(schema, defs);
  let type = inputType(schema, defs);
  if (type.kind === 'boolean' && optional) type = { kind: 'enum', values: [true, false] };
  const a = { 'data-arg': name, 'data-kind': kind, 'data-type': type.kind, 'data-optional': optional, name };
  const input = {
    integer: () => h('input', { ...a, type: 'number', step: 1, min: s.minimum, max: s.maximum }),
    number: () => h('input', { ...a, type: 'number', step: 'any', min: s.minimum, max: s.maximum }),
    boolean: () => h('input', { ...a, type: 'checkbox' }),
    string: () => h('input', { ...a, type: 'text', spellcheck: 'false' }),
    enum: () => h('select', a, optional && h('option', { value: '' }, '—'),
      type.values.map((v) => h('option', { value: toJSON(v) }, typeof v === 'string' ? v : toJSON(v)))),
    json: () => h('textarea', { ...a, rows: 2, spellcheck: 'false', placeholder: toJSON(example(schema, defs)) }),
  }[type.kind]();
  return h('label', { class: 'field' }, h('span', { class: 'name' }, name, !optional && h('b', { title: 'required' }, '*')),
    input, h('small', {}, summary(schema, defs)));
}

/** The JSON text of an input (integers as typed, every digit kept), or null when left empty. */
function read(input) {
  const { arg, type, optional } = input.dataset;
  const text = input.value.trim();
  if (type === 'boolean') return input.checked ? 'true' : 'false';
  if (type === 'string') return input.value === '' && optional !== undefined ? null : JSON.stringify(input.value);
  if (text === '') return null;
  if (type === 'enum') return text;
  if (type === 'integer') {
    if (!/^-?\d+$/.test(text)) throw new Error(`${arg}: not an integer`);
    return BigInt(text).toString();
  }
  if (type === 'number') return String(Number(text));
  try { return toJSON(parseJSON(text)); } catch { throw new Error(`${arg}: not JSON`); }
}

/** The CALL a form asks for: its URI and its arguments as JSON texts. */
function buildCall(card, p) {
  const inputs = (kind) => $$(`[data-kind="${kind}"]`, card);
  const need = (input) => { if (input.dataset.optional === undefined) throw new Error(`${input.dataset.arg}: required`); };
  let uri = inputs('uri')[0]?.value.trim() || p.uri;
  for (const input of inputs('capture')) {   // a capture is the component's text, as the value writes it
    const json = read(input);
    if (json === null || json === '""') need(input);
    const value = json === null ? '' : JSON.parse(json);
    uri = uri.replace(`{${input.dataset.arg}}`, typeof value === 'string' ? value : json);
  }
  const positional = inputs('arg').map((input) => [input, read(input)]);
  positional.forEach(([input, json]) => json === null && need(input));
  const last = positional.findLastIndex(([, json]) => json !== null);
  let args = last < 0 ? null : `[${positional.slice(0, last + 1).map(([, json]) => json ?? 'null').join(',')}]`;
  args = whole(inputs('args')[0], 'args') ?? args;
  const named = inputs('kwarg').map((input) => [input, read(input)]);
  named.forEach(([input, json]) => json === null && need(input));
  const present = named.filter(([, json]) => json !== null);
  let kwargs = present.length ? `{${present.map(([i, json]) => `${JSON.stringify(i.dataset.arg)}:${json}`).join(',')}}` : null;
  kwargs = whole(inputs('kwargs')[0], 'kwargs') ?? kwargs;
  return { uri, args, kwargs };
}
/** The JSON text of a raw args input (an array) or kwargs input (a plain object): a CALL with
 *  anything else there breaks the protocol, and the router would abort the session. */
function whole(input, kind) {
  const json = input ? read(input) : null;
  const value = json === null ? null : parseJSON(json);
  const fits = kind === 'args' ? Array.isArray(value) : Object.getPrototypeOf(value ?? 0) === Object.prototype;
  if (json !== null && !fits) throw new Error(`${kind} must be a JSON ${kind === 'args' ? 'array' : 'object'}`);
  return json;
}

function outcome(card, kind, text, { error, declared } = {}) {
  const el = $('.outcome', card);
  el.textContent = text;
  Object.assign(el.dataset, { state: kind, error: error || '', declared: declared || '' });
}

async function invoke(card, s, p) {
  const session = state.session;
  let c;
  try { c = buildCall(card, p); } catch (e) { return outcome(card, 'invalid', `INVALID ${e.message}`); }
  if (!session) return outcome(card, 'error', 'ERROR not connected');
  const [list, button, cancel] = ['.progress', '.call', '.cancel'].map((sel) => $(sel, card));
  list.replaceChildren();
  outcome(card, 'calling', `CALLING ${c.uri}`);
  const { request, result } = session.callText(c.uri, c.args, c.kwargs, { receive_progress: true }, (r) => {
    list.append(h('li', {}, h('time', {}, clock(new Date())), ' ', payload(r)));
    if (list.children.length > 100) list.firstElementChild.remove();
  });
  button.disabled = true;   // one call at a time per form: Cancel ends it
  Object.assign(cancel, { disabled: false, onclick: () => session.cancel(request) });
  const detail = (r) => (payload(r).length > 70 ? `\n\nargs = ${toJSON(r.args, 2)}\nkwargs = ${toJSON(r.kwargs, 2)}` : '');
  try {
    const r = await result;
    outcome(card, 'result', `RESULT ${payload(r)}${detail(r)}`);
  } catch (e) {
    const variant = s.errors.find((v) => v.uri === e.uri);
    const declared = variant && (p.error && (!variant.type || variant.type === p.error));
    const name = variant && (variant.type ? `${variant.type}::${variant.name}` : variant.name);
    const line = !variant ? '' : declared ? `\ndeclared error ${name}: ${(variant.docs || '').replaceAll('`', '')}`
      : `\nan error of ${s.name} (${name}), not one this procedure declares`;
    outcome(card, 'error', `ERROR ${e.uri} ${payload(e)}${line}${detail(e)}`, { error: e.uri, declared: declared && name });
  } finally {
    button.disabled = false;
    cancel.disabled = true;
  }
}
const clock = (t) => `${t.toLocaleTimeString('en-GB')}.${String(t.getMilliseconds()).padStart(3, '0')}`;

// ---- 4. Topics and their events. ---------------------------------------------------------------
/** A topic's state, kept across redraws: its subscription and its last 100 events. */
function topic(uri, match = 'exact') {
  if (!state.topics.has(uri)) {
    const captured = uri.includes('{');   // a typed topic with captures: every value of them
    state.topics.set(uri, { uri, pattern: captured ? uri.replace(/\{[^}]*\}/g, '') : uri,
      match: captured ? 'wildcard' : match, sub: null, pending: false, events: [], error: '' });
  }
  return state.topics.get(uri);
}

function topicCard(uri, t, s) {
  const own = topic(uri);
  const card = h('article', { class: 'card topic', 'data-uri': uri },
    h('header', {}, h('code', { class: 'uri' }, uri), badges({ payload: t?.payload, match: own.match })),
    t && docs(t.docs), t?.deprecated !== undefined && h('p', { class: 'warn' }, `Deprecated. ${t.deprecated}`),
    t && h('div', { class: 'schemas' }, ['args', 'kwargs'].filter((k) => t[k]).map((k) => pretty(k, inline(t[k], s.defs)))),
    h('div', { class: 'actions' }, h('button', { class: 'subscribe', type: 'button', onclick: () => toggle(uri) }, 'Subscribe'),
      h('span', { class: 'note' })),
    h('ul', { class: 'events' }));
  drawTopic(own, uri, card);
  return card;
}

async function toggle(uri) {
  const t = topic(uri);
  const session = state.session;
  if (!session || t.pending) return;
  Object.assign(t, { pending: true, error: '' });
  drawTopic(t);
  const onEvent = (event) => {
    if (event) t.events = [{ at: new Date(), ...event }, ...t.events].slice(0, 100);
    else t.sub = null;   // revoked by the router
    drawTopic(t);
  };
  try {
    const sub = t.sub;
    t.sub = null;
    if (sub) await session.unsubscribe(sub);
    else t.sub = await session.subscribe(t.pattern, onEvent, t.match === 'exact' ? {} : { match: t.match });
  } catch (e) {
    t.error = `${e.uri} ${payload(e)}`;
  }
  t.pending = false;
  drawTopic(t);
}

function drawTopic(t, uri = t.uri, only = null) {
  for (const card of only ? [only] : byUri('.topic', uri)) {
    const button = $('.subscribe', card);
    button.textContent = t.sub ? 'Unsubscribe' : 'Subscribe';
    button.disabled = t.pending || !state.session;
    button.dataset.subscribed = Boolean(t.sub);
    $('.actions .note', card).textContent = t.error || (t.events.length ? `${t.events.length} event(s)` : '');
    $('.events', card).replaceChildren(...t.events.map((e) => h('li', { 'data-publication': e.publication },
      h('time', {}, clock(e.at)), h('code', {}, payload(e)),
      Object.keys(e.details).length ? h('span', { class: 'details' }, toJSON(e.details)) : null)));
  }
}

// ---- Start. ------------------------------------------------------------------------------------
addEventListener('DOMContentLoaded', () => {
  const query = new URLSearchParams(location.search);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const given = query.get('url');
  $('#url').value = given || (location.host ? `${scheme}://${location.host}/` : 'ws://127.0.0.1:8080/');
  $('#realm').value = query.get('realm') || 'realm1';
  // Another router named by ?url= is only filled in: no link connects the page to any WebSocket.
  const own = !given || (() => {
    try { return /^wss?:$/.test(new URL(given).protocol) && new URL(given).host === location.host; } catch { return false; }
  })();
  $('#connect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.session) state.session.close(); else connect();
  });
  $('#refresh').addEventListener('click', () => { refreshRealm(); refreshServices(); });
  $('#topic-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const uri = $('#topic-uri').value.trim();
    if (!uri) return;
    const t = topic(uri, $('#topic-match').value);
    if (!byUri('.topic', uri).length) $('#other-topics').prepend(topicCard(uri, null, null));
    if (!t.sub) toggle(uri);
    byUri('.topic', uri)[0].scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  });
  if (query.has('realm') && own) connect();
  else if (query.has('realm')) setStatus('idle', `not connected: press Connect to join ${$('#realm').value} at ${given}`);
});

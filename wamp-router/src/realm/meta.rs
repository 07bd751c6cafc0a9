//! The meta API procedures the router itself answers: `wamp.session.*`, `wamp.registration.*`
//! and `wamp.subscription.*`.

use wamp_core::message::{code, keys, uris, Call, Result as CallResult};
use wamp_core::value::dict_to_value;
use wamp_core::{Arguments, Dict, Id, MatchPolicy, Message, Value};

use super::dealer::parse_match;
use super::options::{as_u64, dict_of, id, ids, text, texts};
use super::sessions::Close;
use super::{error, MetaEvents, State};

/// A failed meta call: the error URI and a message.
type Failure = (&'static str, String);

fn arg_id(args: &Arguments, index: usize, what: &str) -> Result<Id, Failure> {
    args.args.get(index).and_then(as_u64).ok_or_else(|| {
        (
            uris::INVALID_ARGUMENT,
            format!("argument {index} must be the {what} ID"),
        )
    })
}

fn arg_text<'a>(args: &'a Arguments, index: usize, what: &str) -> Result<&'a str, Failure> {
    match args.args.get(index) {
        Some(Value::Text(t)) => Ok(t),
        _ => Err((
            uris::INVALID_ARGUMENT,
            format!("argument {index} must be the {what}"),
        )),
    }
}

fn role_filter(args: &Arguments) -> Option<Vec<String>> {
    texts(args.args.first()?)
}

/// The `reason` and `message` keyword arguments of the kill procedures.
fn kill_reason(args: &Arguments) -> Result<Close, Failure> {
    let reason = match args.kwargs.get(keys::REASON) {
        None => uris::KILLED.to_owned(),
        Some(Value::Text(r)) if wamp_core::uri::is_valid(r, Default::default()) => r.clone(),
        Some(_) => return Err((uris::INVALID_URI, "reason must be a valid URI".into())),
    };
    Ok(Close::Goodbye {
        reason,
        message: text(&args.kwargs, keys::MESSAGE).map(str::to_owned),
    })
}

fn one(value: Value) -> Arguments {
    Arguments::new(vec![value], Dict::new())
}

fn lists(exact: Vec<Id>, prefix: Vec<Id>, wildcard: Vec<Id>) -> Value {
    Value::Map(vec![
        (Value::Text(MatchPolicy::Exact.name().into()), ids(exact)),
        (Value::Text(MatchPolicy::Prefix.name().into()), ids(prefix)),
        (
            Value::Text(MatchPolicy::Wildcard.name().into()),
            ids(wildcard),
        ),
    ])
}

/// Answers a CALL to a `wamp.` procedure.
pub(super) fn call(state: &mut State, meta: &mut MetaEvents, caller: Id, call: Call) {
    let args = call.payload.arguments().cloned().unwrap_or_default();
    let outcome = answer(state, meta, caller, &call.procedure, &args);
    let reply = match outcome {
        Ok(result) => Message::Result(CallResult {
            request: call.request,
            details: Dict::new(),
            payload: result.into(),
        }),
        Err((uri, message)) => error(code::CALL, call.request, uri, &message),
    };
    state.sessions.send(caller, reply);
}

fn kill_where(
    state: &mut State,
    caller: Id,
    close: &Close,
    which: impl Fn(&super::SessionEntry) -> bool,
) -> Vec<Id> {
    let targets: Vec<Id> = state
        .sessions
        .iter()
        .filter(|s| s.id != caller && which(s))
        .map(|s| s.id)
        .collect();
    for &target in &targets {
        if let Some(s) = state.sessions.get_mut(target) {
            s.close(close.clone());
        }
    }
    targets
}

fn answer(
    state: &mut State,
    meta: &mut MetaEvents,
    caller: Id,
    procedure: &str,
    args: &Arguments,
) -> Result<Arguments, Failure> {
    let count = |n: usize| one(Value::Integer((n as u64).into()));
    Ok(match procedure {
        "wamp.session.count" | "wamp.session.list" => {
            let filter = role_filter(args);
            let matching: Vec<Id> = state
                .sessions
                .iter()
                .filter(|s| {
                    filter
                        .as_ref()
                        .is_none_or(|roles| roles.contains(&s.identity.authrole))
                })
                .map(|s| s.id)
                .collect();
            if procedure.ends_with("count") {
                count(matching.len())
            } else {
                one(ids(matching))
            }
        }
        "wamp.session.get" => {
            let session = arg_id(args, 0, "session")?;
            let entry = state
                .sessions
                .get(session)
                .ok_or_else(|| (uris::NO_SUCH_SESSION, format!("no session {session}")))?;
            one(entry.details())
        }
        "wamp.session.kill" => {
            let session = arg_id(args, 0, "session")?;
            let close = kill_reason(args)?;
            let killed = kill_where(state, caller, &close, |s| s.id == session);
            if killed.is_empty() {
                return Err((uris::NO_SUCH_SESSION, format!("no other session {session}")));
            }
            Arguments::default()
        }
        "wamp.session.kill_by_authid" => {
            let authid = arg_text(args, 0, "authid")?.to_owned();
            let close = kill_reason(args)?;
            one(ids(kill_where(state, caller, &close, |s| {
                s.identity.authid == authid
            })))
        }
        "wamp.session.kill_by_authrole" => {
            let authrole = arg_text(args, 0, "authrole")?.to_owned();
            let close = kill_reason(args)?;
            count(kill_where(state, caller, &close, |s| s.identity.authrole == authrole).len())
        }
        "wamp.session.kill_all" => {
            let close = kill_reason(args)?;
            count(kill_where(state, caller, &close, |_| true).len())
        }
        "wamp.registration.list" => {
            let (e, p, w) = state.dealer.registrations.table.list();
            one(lists(e, p, w))
        }
        "wamp.registration.lookup" | "wamp.subscription.lookup" => {
            let uri = arg_text(args, 0, "URI")?;
            let options = dict_of(args.args.get(1));
            let policy = parse_match(&options).unwrap_or(MatchPolicy::Exact);
            let table = if procedure.starts_with("wamp.registration") {
                &state.dealer.registrations.table
            } else {
                &state.broker.subscriptions.table
            };
            one(table.get(policy, uri).map_or(Value::Null, id))
        }
        "wamp.registration.match" => {
            let uri = arg_text(args, 0, "procedure URI")?;
            one(state
                .dealer
                .registrations
                .table
                .best_match(uri)
                .map_or(Value::Null, id))
        }
        "wamp.registration.get" => {
            let reg = registration(state, args)?;
            one(dict_to_value(reg.meta_details()))
        }
        "wamp.registration.list_callees" => one(ids(registration(state, args)?.sessions())),
        "wamp.registration.count_callees" => count(registration(state, args)?.sessions().count()),
        "wamp.registration.remove_callee" => {
            let reg = arg_id(args, 0, "registration")?;
            let callee = arg_id(args, 1, "callee session")?;
            let reason = text(&args.kwargs, keys::REASON).map(str::to_owned);
            let State {
                sessions, dealer, ..
            } = state;
            if !dealer
                .registrations
                .revoke(sessions, meta, reg, callee, reason)
            {
                return Err((
                    uris::NO_SUCH_REGISTRATION,
                    format!("session {callee} is not a callee of registration {reg}"),
                ));
            }
            Arguments::default()
        }
        "wamp.subscription.list" => {
            let (e, p, w) = state.broker.subscriptions.table.list();
            one(lists(e, p, w))
        }
        "wamp.subscription.match" => {
            let uri = arg_text(args, 0, "topic URI")?;
            let matches = state.broker.subscriptions.table.all_matches(uri);
            one(if matches.is_empty() {
                Value::Null
            } else {
                ids(matches)
            })
        }
        "wamp.subscription.get" => one(dict_to_value(subscription(state, args)?.details())),
        "wamp.subscription.list_subscribers" => one(ids(subscription(state, args)?.sessions())),
        "wamp.subscription.count_subscribers" => count(subscription(state, args)?.members.len()),
        "wamp.subscription.remove_subscriber" => {
            let sub = arg_id(args, 0, "subscription")?;
            let subscriber = arg_id(args, 1, "subscriber session")?;
            let reason = text(&args.kwargs, keys::REASON).map(str::to_owned);
            let State {
                sessions, broker, ..
            } = state;
            if !broker
                .subscriptions
                .revoke(sessions, meta, sub, subscriber, reason)
            {
                return Err((
                    uris::NO_SUCH_SUBSCRIPTION,
                    format!("session {subscriber} is not a subscriber of subscription {sub}"),
                ));
            }
            Arguments::default()
        }
        other => {
            return Err((
                uris::NO_SUCH_PROCEDURE,
                format!("{other} is not a meta procedure of this router"),
            ))
        }
    })
}

fn registration<'a>(
    state: &'a State,
    args: &Arguments,
) -> Result<&'a super::dealer::Registration, Failure> {
    let reg = arg_id(args, 0, "registration")?;
    state
        .dealer
        .registrations
        .get(reg)
        .ok_or_else(|| (uris::NO_SUCH_REGISTRATION, format!("no registration {reg}")))
}

fn subscription<'a>(
    state: &'a State,
    args: &Arguments,
) -> Result<&'a super::broker::Subscription, Failure> {
    let sub = arg_id(args, 0, "subscription")?;
    state
        .broker
        .subscriptions
        .get(sub)
        .ok_or_else(|| (uris::NO_SUCH_SUBSCRIPTION, format!("no subscription {sub}")))
}

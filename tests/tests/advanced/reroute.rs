//! Call Re-Routing: a callee at its `max_concurrent_invocations` answers `unavailable`, and the
//! dealer invokes the next callee by the registration's policy; the caller sees
//! `no_available_callee` only when none is left.

use std::future::IntoFuture as _;
use std::sync::Arc;

use tokio::sync::{mpsc, Semaphore};
use wamp_core::message::{uris, Feature, Message, Role};
use wamp_core::session::{Invocation, InvokePolicy, Registration};
use wamp_core::{Arguments, Client, Dict, Session};
use wamp_router::Router;
use wamp_tests::raw::{Raw, Via};

use super::router;

/// A callee that runs one invocation at a time: it reports when it starts one, then waits for
/// `gate` before answering with its label.
async fn busy_callee(
    router: &Router,
    procedure: &str,
    policy: InvokePolicy,
    label: &'static str,
    gate: Arc<Semaphore>,
    started: mpsc::UnboundedSender<&'static str>,
) -> (Session, Registration) {
    let session = Client::for_realm("realm1")
        .max_concurrent_invocations(1)
        .join(Box::new(router.local_transport()))
        .await
        .unwrap();
    let handler = move |_inv: Invocation| {
        let gate = gate.clone();
        let started = started.clone();
        async move {
            started.send(label).unwrap();
            gate.acquire().await.unwrap().forget();
            Ok(Arguments::value(&label)?)
        }
    };
    let registration = session
        .register(procedure, handler)
        .invoke(policy)
        .await
        .unwrap();
    (session, registration)
}

#[tokio::test]
async fn busy_callees_pass_each_call_on_by_the_invocation_policy() {
    let router = router().await;
    let caller = router.connect("realm1").await.unwrap();
    for policy in [
        InvokePolicy::First,
        InvokePolicy::Last,
        InvokePolicy::RoundRobin,
        InvokePolicy::Random,
    ] {
        let procedure = format!("com.app.work.{}", policy.name());
        let gate = Arc::new(Semaphore::new(0));
        let (started_tx, mut started) = mpsc::unbounded_channel();
        let mut callees = Vec::new();
        for label in ["a", "b", "c"] {
            let callee = busy_callee(
                &router,
                &procedure,
                policy,
                label,
                gate.clone(),
                started_tx.clone(),
            );
            callees.push(callee.await);
        }
        // Three calls, one after another: each finds the callees before it busy.
        let mut calls = Vec::new();
        let mut order = Vec::new();
        for _ in 0..3 {
            calls.push(tokio::spawn(caller.call(&procedure).into_future()));
            order.push(started.recv().await.unwrap());
        }
        match policy {
            InvokePolicy::First => assert_eq!(order, ["a", "b", "c"]),
            InvokePolicy::Last => assert_eq!(order, ["c", "b", "a"]),
            _ => {
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, ["a", "b", "c"], "{policy:?}: {order:?}");
            }
        }
        // All three busy: a fourth call finds no callee.
        let refused = caller.call(&procedure).await.unwrap_err();
        assert_eq!(
            refused.uri(),
            Some(uris::NO_AVAILABLE_CALLEE),
            "{refused:?}"
        );
        gate.add_permits(3);
        let mut answers = Vec::new();
        for call in calls {
            answers.push(call.await.unwrap().unwrap().value::<String>().unwrap());
        }
        assert_eq!(answers, order, "{policy:?}");
        // Free again: the next call goes through.
        gate.add_permits(1);
        let _ = caller.call(&procedure).await.unwrap();
        let _ = started.recv().await;
        drop(callees);
    }
}

#[tokio::test]
async fn a_single_callee_that_is_unavailable_gives_no_available_callee() {
    let router = router().await;
    let gate = Arc::new(Semaphore::new(0));
    let (tx, mut started) = mpsc::unbounded_channel();
    let (_callee, _reg) = busy_callee(
        &router,
        "com.app.one",
        InvokePolicy::Single,
        "a",
        gate.clone(),
        tx,
    )
    .await;
    let caller = router.connect("realm1").await.unwrap();
    let first = tokio::spawn(caller.call("com.app.one").into_future());
    assert_eq!(started.recv().await, Some("a"));
    let refused = caller.call("com.app.one").await.unwrap_err();
    assert_eq!(
        refused.uri(),
        Some(uris::NO_AVAILABLE_CALLEE),
        "{refused:?}"
    );
    gate.add_permits(1);
    assert_eq!(
        first.await.unwrap().unwrap().value::<String>().unwrap(),
        "a"
    );
}

/// `unavailable` from a callee that did not announce `call_reroute` is its own answer: the
/// dealer forwards it.
#[tokio::test]
async fn unavailable_from_a_callee_without_call_reroute_is_forwarded() {
    let router = router().await;
    let mut callee = Raw::join(&router, Via::Memory, &[(Role::Callee, &[])]).await;
    callee.registered("com.app.legacy").await;
    let mut caller = Raw::join(&router, Via::Memory, &[(Role::Caller, &[])]).await;
    let request = caller.call("com.app.legacy", Dict::new()).await;
    let inv = callee.invocation().await;
    callee
        .send(Message::Error(wamp_core::message::Error {
            request_type: wamp_core::message::code::INVOCATION,
            request: inv.request,
            details: Dict::new(),
            error: uris::UNAVAILABLE.into(),
            payload: Arguments::default().into(),
        }))
        .await;
    match caller.recv().await {
        Some(Message::Error(e)) => {
            assert_eq!((e.request, e.error.as_str()), (request, uris::UNAVAILABLE))
        }
        other => panic!("expected ERROR, got {other:?}"),
    }
    let _ = Feature::CallReroute;
}

//! The embedded router's dealer, through in-process sessions: pattern registrations and their
//! precedence, shared registrations, progressive results and invocations, canceling in three
//! modes, dealer-enforced timeouts, caller identification and revocation when a callee leaves.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use tokio::sync::mpsc;
use wamp_core::message::{features, Feature, Hello, Message, Register, Role, Yield};
use wamp_core::session::{CancelMode, Invocation, InvokePolicy, RegistrationEnd};
use wamp_core::{Arguments, Dict, MatchPolicy, Session, Value};
use wamp_router::Router;
use wamp_tests::trace;

async fn router() -> Router {
    trace();
    Router::builder().realm("realm1").start().await.unwrap()
}

/// A callee answering with `label` and the concrete procedure it was invoked for.
async fn labelled(
    session: &Session,
    uri: &str,
    policy: MatchPolicy,
    label: &'static str,
) -> wamp_core::session::Registration {
    session
        .register(uri, move |inv: Invocation| async move {
            Ok(Arguments::from_args(&(label, inv.procedure.clone()))?)
        })
        .match_policy(policy)
        .await
        .unwrap()
}

async fn who(session: &Session, uri: &str) -> Option<(String, String)> {
    match session.call(uri).await {
        Ok(r) => Some(r.args().unwrap()),
        Err(e) => {
            assert_eq!(e.uri(), Some("wamp.error.no_such_procedure"), "{e:?}");
            None
        }
    }
}

#[tokio::test]
async fn exact_prefix_and_wildcard_registrations_follow_the_spec_precedence() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let _r = [
        labelled(&callee, "a1.b2.c3.d4.e55", MatchPolicy::Exact, "exact").await,
        labelled(&callee, "a1.b2.c3", MatchPolicy::Prefix, "prefix short").await,
        labelled(&callee, "a1.b2.c3.d4", MatchPolicy::Prefix, "prefix long").await,
        labelled(&callee, "a1.b2..d4.e5", MatchPolicy::Wildcard, "wildcard 4").await,
        labelled(
            &callee,
            "a1.b2..d4.e5..g7",
            MatchPolicy::Wildcard,
            "wildcard 6",
        )
        .await,
        labelled(
            &callee,
            "a1.b2..d4..f6.g7",
            MatchPolicy::Wildcard,
            "wildcard 7",
        )
        .await,
    ];
    let expect = |label: &str, uri: &str| Some((label.to_owned(), uri.to_owned()));
    assert_eq!(
        who(&caller, "a1.b2.c3.d4.e55").await,
        expect("exact", "a1.b2.c3.d4.e55")
    );
    assert_eq!(
        who(&caller, "a1.b2.c3.d98.e74").await,
        expect("prefix short", "a1.b2.c3.d98.e74")
    );
    assert_eq!(
        who(&caller, "a1.b2.c3.d4.e325").await,
        expect("prefix long", "a1.b2.c3.d4.e325")
    );
    assert_eq!(
        who(&caller, "a1.b2.c55.d4.e5").await,
        expect("wildcard 4", "a1.b2.c55.d4.e5")
    );
    assert_eq!(
        who(&caller, "a1.b2.c88.d4.e5.f6.g7").await,
        expect("wildcard 6", "a1.b2.c88.d4.e5.f6.g7")
    );
    assert_eq!(who(&caller, "a2.b2.c2.d2.e2").await, None);
}

async fn shared(
    router: &Router,
    policy: InvokePolicy,
) -> (Vec<Session>, Vec<wamp_core::session::Registration>) {
    let mut sessions = Vec::new();
    let mut regs = Vec::new();
    for label in ["first", "second", "third"] {
        let s = router.connect("realm1").await.unwrap();
        regs.push(
            s.register("com.shared.work", move |_inv: Invocation| async move {
                Ok(Arguments::value(&label)?)
            })
            .invoke(policy)
            .await
            .unwrap(),
        );
        sessions.push(s);
    }
    (sessions, regs)
}

async fn served_by(caller: &Session, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(
            caller
                .call("com.shared.work")
                .await
                .unwrap()
                .value()
                .unwrap(),
        );
    }
    out
}

#[tokio::test]
async fn shared_registrations_apply_each_invocation_policy() {
    let router = router().await;
    let caller = router.connect("realm1").await.unwrap();
    {
        let _callees = shared(&router, InvokePolicy::RoundRobin).await;
        assert_eq!(
            served_by(&caller, 6).await,
            ["first", "second", "third", "first", "second", "third"]
        );
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    {
        let _callees = shared(&router, InvokePolicy::First).await;
        assert_eq!(served_by(&caller, 3).await, ["first"; 3]);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    {
        let _callees = shared(&router, InvokePolicy::Last).await;
        assert_eq!(served_by(&caller, 3).await, ["third"; 3]);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    {
        let _callees = shared(&router, InvokePolicy::Random).await;
        let seen = served_by(&caller, 60).await;
        for label in ["first", "second", "third"] {
            assert!(
                seen.iter().any(|s| s == label),
                "random never picked {label}: {seen:?}"
            );
        }
    }
}

#[tokio::test]
async fn single_registrations_and_mismatched_policies_are_refused() {
    let router = router().await;
    let a = router.connect("realm1").await.unwrap();
    let b = router.connect("realm1").await.unwrap();
    let ok = |_inv: Invocation| async { Ok(Arguments::default()) };
    let _single = a.register("com.single", ok).await.unwrap();
    let e = b.register("com.single", ok).await.unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.procedure_already_exists"));
    let _rr = a
        .register("com.rr", ok)
        .invoke(InvokePolicy::RoundRobin)
        .await
        .unwrap();
    let e = b
        .register("com.rr", ok)
        .invoke(InvokePolicy::Random)
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.procedure_already_exists"));
    let e = a.register("wamp.mine", ok).await.unwrap_err();
    assert_eq!(
        e.uri(),
        Some("wamp.error.invalid_uri"),
        "wamp.* is the router's"
    );
}

#[tokio::test]
async fn progressive_results_stream_to_the_caller() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let _reg = callee
        .register("com.count", |inv: Invocation| async move {
            let n: u32 = inv.value()?;
            assert!(inv.receive_progress());
            for i in 0..n {
                inv.progress(Arguments::value(&i)?).await.unwrap();
            }
            Ok(Arguments::value(&"done")?)
        })
        .await
        .unwrap();
    let mut stream = caller.call("com.count").args(&(4,)).stream().await.unwrap();
    let mut seen = Vec::new();
    let mut last = None;
    while let Some(item) = stream.next().await {
        let item = item.unwrap();
        if item.progress {
            seen.push(item.value::<u32>().unwrap());
        } else {
            last = Some(item.value::<String>().unwrap());
        }
    }
    assert_eq!(seen, [0, 1, 2, 3]);
    assert_eq!(last.as_deref(), Some("done"));
}

/// A callee speaking raw messages, announcing `features`.
async fn raw_callee(
    router: &Router,
    procedure: &str,
    features: &[Feature],
) -> wamp_core::transport::memory::MemoryTransport {
    let mut t = router.local_transport();
    let mut details = Dict::new();
    details.insert("roles".into(), features::roles(&[(Role::Callee, features)]));
    t.send(Message::Hello(Hello {
        realm: "realm1".into(),
        details,
    }))
    .await
    .unwrap();
    assert!(matches!(t.next().await, Some(Ok(Message::Welcome(_)))));
    t.send(Message::Register(Register {
        request: 1,
        options: Dict::new(),
        procedure: procedure.into(),
    }))
    .await
    .unwrap();
    assert!(matches!(t.next().await, Some(Ok(Message::Registered(_)))));
    t
}

#[tokio::test]
async fn progressive_invocations_reach_the_same_callee_under_one_invocation_id() {
    let router = router().await;
    let features = [Feature::ProgressiveCallInvocations, Feature::CallCanceling];
    let mut callee = raw_callee(&router, "com.upload", &features).await;
    let caller = router.connect("realm1").await.unwrap();
    let mut call = caller
        .call("com.upload")
        .args(&("chunk 1",))
        .progressive()
        .await
        .unwrap();
    call.send(Arguments::value(&"chunk 2").unwrap())
        .await
        .unwrap();
    let finish = tokio::spawn(call.finish(Arguments::value(&"last").unwrap()));
    let mut ids = Vec::new();
    let mut chunks = Vec::new();
    loop {
        let inv = match callee.next().await {
            Some(Ok(Message::Invocation(inv))) => inv,
            other => panic!("expected INVOCATION, got {other:?}"),
        };
        ids.push(inv.request);
        let progress = inv.details.get("progress") == Some(&Value::Bool(true));
        chunks.push((
            inv.payload
                .arguments()
                .unwrap()
                .decode_value::<String>()
                .unwrap(),
            progress,
        ));
        if !progress {
            break;
        }
    }
    assert_eq!(
        chunks,
        [
            ("chunk 1".into(), true),
            ("chunk 2".into(), true),
            ("last".into(), false)
        ]
    );
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    callee
        .send(Message::Yield(Yield {
            request: ids[0],
            options: Dict::new(),
            payload: Arguments::value(&3).unwrap().into(),
        }))
        .await
        .unwrap();
    let result = finish.await.unwrap().unwrap();
    assert_eq!(result.value::<u32>().unwrap(), 3);
}

#[tokio::test]
async fn progressive_invocations_to_a_callee_without_the_feature_fail_cleanly() {
    let router = router().await;
    let mut callee = raw_callee(&router, "com.plain", &[Feature::CallCanceling]).await;
    let caller = router.connect("realm1").await.unwrap();
    let mut call = caller
        .call("com.plain")
        .args(&(1,))
        .progressive()
        .await
        .unwrap();
    // The dealer answers the first CALL with an error; later chunks are not sent.
    let _ = call.send(Arguments::value(&2).unwrap()).await;
    let outcome = call.finish(Arguments::default()).await.unwrap_err();
    assert_eq!(
        outcome.uri(),
        Some("wamp.error.feature_not_supported"),
        "{outcome:?}"
    );
    // The callee saw none of it.
    let quiet = tokio::time::timeout(Duration::from_millis(100), callee.next()).await;
    assert!(quiet.is_err(), "{quiet:?}");
}

/// A callee that reports when its handler starts and when it is dropped (interrupted).
async fn slow_callee(
    session: &Session,
    uri: &str,
) -> (
    wamp_core::session::Registration,
    mpsc::UnboundedReceiver<&'static str>,
) {
    struct Report(mpsc::UnboundedSender<&'static str>);
    impl Drop for Report {
        fn drop(&mut self) {
            let _ = self.0.send("ended");
        }
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let reg = session
        .register(uri, move |_inv: Invocation| {
            let report = Report(tx.clone());
            async move {
                let _ = report.0.send("started");
                tokio::time::sleep(Duration::from_secs(30)).await;
                drop(report);
                Ok(Arguments::value(&"finished")?)
            }
        })
        .await
        .unwrap();
    (reg, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<&'static str>) -> &'static str {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn cancel_in_each_mode() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    for mode in [CancelMode::Skip, CancelMode::Kill, CancelMode::KillNoWait] {
        let uri = format!("com.slow.{}", mode.name());
        let (_reg, mut reports) = slow_callee(&callee, &uri).await;
        let mut stream = caller.call(&uri).stream().await.unwrap();
        assert_eq!(next(&mut reports).await, "started");
        stream.cancel(mode);
        let answer = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap()
            .unwrap();
        let error = answer.unwrap_err();
        assert_eq!(
            error.uri(),
            Some("wamp.error.canceled"),
            "{mode:?}: {error:?}"
        );
        match mode {
            // skip: the callee is not told and runs on.
            CancelMode::Skip => assert!(tokio::time::timeout(
                Duration::from_millis(300),
                reports.recv()
            )
            .await
            .is_err()),
            // kill and killnowait: the callee is interrupted.
            _ => assert_eq!(next(&mut reports).await, "ended"),
        }
    }
    assert_eq!(router.stats("realm1").unwrap().pending_calls, 0);
}

#[tokio::test]
async fn the_dealer_enforces_call_timeouts_and_interrupts_the_callee() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let (_reg, mut reports) = slow_callee(&callee, "com.slow").await;
    // The option only (no local timer), so the answer can only come from the router.
    let error = caller
        .call("com.slow")
        .option("timeout", 200u64)
        .await
        .unwrap_err();
    assert_eq!(error.uri(), Some("wamp.error.timeout"), "{error:?}");
    assert_eq!(next(&mut reports).await, "started");
    assert_eq!(next(&mut reports).await, "ended");
}

#[tokio::test]
async fn timeouts_are_forwarded_to_callees_that_ask_for_them() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let _reg = callee
        .register("com.fwd", |inv: Invocation| async move {
            Ok(Arguments::value(
                &inv.timeout().map(|d| d.as_millis() as u64),
            )?)
        })
        .option("forward_timeout", true)
        .await
        .unwrap();
    let seen: Option<u64> = caller
        .call("com.fwd")
        .option("timeout", 5000u64)
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(seen, Some(5000));
}

#[tokio::test]
async fn caller_identification_on_request_of_callee_or_caller() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let identify = |inv: Invocation| async move {
        Ok(Arguments::value(&(
            inv.caller(),
            inv.caller_authid().map(str::to_owned),
            inv.caller_authrole().map(str::to_owned),
        ))?)
    };
    let _a = callee
        .register("com.disclosed", identify)
        .disclose_caller()
        .await
        .unwrap();
    let _b = callee.register("com.anonymous", identify).await.unwrap();
    type Who = (Option<u64>, Option<String>, Option<String>);
    let me = (
        Some(caller.id()),
        caller.info().authid.clone(),
        Some("anonymous".to_owned()),
    );
    let seen: Who = caller.call("com.disclosed").await.unwrap().value().unwrap();
    assert_eq!(seen, me);
    let seen: Who = caller.call("com.anonymous").await.unwrap().value().unwrap();
    assert_eq!(seen, (None, None, None));
    let seen: Who = caller
        .call("com.anonymous")
        .disclose_me()
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(seen, me);
}

#[tokio::test]
async fn a_leaving_callee_takes_its_registrations_and_fails_its_calls() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let (_reg, mut reports) = slow_callee(&callee, "com.going").await;
    let pending = tokio::spawn({
        let caller = caller.clone();
        async move { caller.call("com.going").await }
    });
    assert_eq!(next(&mut reports).await, "started");
    assert_eq!(router.stats("realm1").unwrap().registrations, 1);
    callee.leave().await;
    let error = pending.await.unwrap().unwrap_err();
    assert_eq!(error.uri(), Some("wamp.error.canceled"), "{error:?}");
    assert_eq!(router.stats("realm1").unwrap().registrations, 0);
    let error = caller.call("com.going").await.unwrap_err();
    assert_eq!(error.uri(), Some("wamp.error.no_such_procedure"));
}

#[tokio::test]
async fn remove_callee_revokes_a_registration() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let admin = router.connect("realm1").await.unwrap();
    let reg = callee
        .register("com.revoked", |_inv: Invocation| async {
            Ok(Arguments::default())
        })
        .await
        .unwrap();
    admin
        .call("wamp.registration.remove_callee")
        .args(&(reg.id(), callee.id()))
        .kwargs(&serde_json::json!({"reason": "wamp.error.revoked_by_test"}))
        .await
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), reg.ended())
        .await
        .unwrap();
    assert_eq!(
        end,
        RegistrationEnd::Revoked {
            reason: "wamp.error.revoked_by_test".into()
        }
    );
    assert_eq!(
        admin.call("com.revoked").await.unwrap_err().uri(),
        Some("wamp.error.no_such_procedure")
    );
}

#[test]
fn the_router_announces_exactly_what_it_implements() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let router = router().await;
        let session = router.connect("realm1").await.unwrap();
        // The whole announced set, compared as one: a feature added or dropped fails here.
        let expected: Vec<(String, String)> = [
            ("broker", "event_history"),
            ("broker", "event_retention"),
            ("broker", "pattern_based_subscription"),
            ("broker", "payload_encryption_cryptobox"),
            ("broker", "payload_passthru_mode"),
            ("broker", "payload_transparency"),
            ("broker", "publisher_exclusion"),
            ("broker", "publisher_identification"),
            ("broker", "reflection"),
            ("broker", "session_meta_api"),
            ("broker", "subscriber_blackwhite_listing"),
            ("broker", "subscription_meta_api"),
            ("broker", "subscription_revocation"),
            ("dealer", "call_canceling"),
            ("dealer", "call_reroute"),
            ("dealer", "call_timeout"),
            ("dealer", "caller_identification"),
            ("dealer", "pattern_based_registration"),
            ("dealer", "payload_encryption_cryptobox"),
            ("dealer", "payload_passthru_mode"),
            ("dealer", "payload_transparency"),
            ("dealer", "progressive_call_invocations"),
            ("dealer", "progressive_call_results"),
            ("dealer", "reflection"),
            ("dealer", "registration_meta_api"),
            ("dealer", "registration_revocation"),
            ("dealer", "session_meta_api"),
            ("dealer", "shared_registration"),
            ("dealer", "testament_meta_api"),
        ]
        .iter()
        .map(|(r, f)| ((*r).to_owned(), (*f).to_owned()))
        .collect();
        assert_eq!(features::announced(&session.info().details), expected);
        assert_eq!(session.info().router_roles().len(), 2);
        // Each under a role the spec defines it for.
        for (role, feature) in &expected {
            let role = Role::parse(role).unwrap();
            let feature = Feature::ALL.iter().find(|f| f.name() == feature).unwrap();
            assert!(feature.roles().contains(&role), "{feature} under {role}");
        }
    });
}

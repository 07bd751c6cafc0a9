//! Progressive call invocations on the callee side: the chunks of one call reach one handler as
//! a stream; a handler that answers early ends the call and later chunks are discarded.

use wamp_core::session::Invocation;
use wamp_core::{Arguments, WampError};

use super::router;

#[tokio::test]
async fn a_callee_receives_the_chunks_of_a_progressive_call_as_a_stream() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let sum = |mut inv: Invocation| async move {
        assert!(inv.is_progressive());
        let mut total: i64 = inv.value()?;
        let mut inputs = inv.inputs().expect("a progressive invocation has inputs");
        while let Some(chunk) = inputs.next().await {
            total += chunk.arguments.decode_value::<i64>()?;
        }
        Ok::<_, WampError>(Arguments::value(&total)?)
    };
    callee.register("com.app.sum", sum).await.unwrap().keep();
    let mut call = caller
        .call("com.app.sum")
        .args(&(1,))
        .progressive()
        .await
        .unwrap();
    for n in 2..=10 {
        call.send(Arguments::value(&n).unwrap()).await.unwrap();
    }
    let result = call.finish(Arguments::value(&100).unwrap()).await.unwrap();
    assert_eq!(result.value::<i64>().unwrap(), 155);
    // An ordinary call of the same procedure has no inputs.
    let plain = caller.call("com.app.sum").args(&(7,)).await;
    assert!(
        plain.is_err(),
        "the handler asserts is_progressive: {plain:?}"
    );
}

#[tokio::test]
async fn a_handler_that_answers_early_ends_the_call_and_later_chunks_are_discarded() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let first_only = |inv: Invocation| async move { Ok(Arguments::value(&inv.value::<i64>()?)?) };
    callee
        .register("com.app.first", first_only)
        .await
        .unwrap()
        .keep();
    for round in 0..3 {
        let mut call = caller
            .call("com.app.first")
            .args(&(round,))
            .progressive()
            .await
            .unwrap();
        // The answer may come before these go out; either way the callee must not take them
        // for new calls.
        for n in 0..5 {
            let _ = call.send(Arguments::value(&n).unwrap()).await;
        }
        let result = call.finish(Arguments::value(&99).unwrap()).await.unwrap();
        assert_eq!(result.value::<i64>().unwrap(), round);
    }
    // The callee's session is healthy and ran no stray invocation.
    let result = caller.call("com.app.first").args(&(42,)).await.unwrap();
    assert_eq!(result.value::<i64>().unwrap(), 42);
}

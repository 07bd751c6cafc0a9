//! A typed method whose parameter is a stream (`impl Stream<Item = T>`): the client sends it
//! item by item as progressive call invocations and the method consumes the items as they come;
//! through a dealer without the feature (Crossbar.io) every item goes in one CALL.

use std::sync::Arc;

use futures::{Stream, StreamExt as _};
use tokio::sync::mpsc;
use wamp_core::message::uris;
use wamp_core::typed::{CallError, Context};
use wamp_core::{wamp_service, Arguments, Client, Value, WampError};
use wamp_tests::require_crossbar;

use super::router;

/// Adds up what it is sent.
#[wamp_service(prefix = "com.summer")]
trait Summer {
    /// The sum of the numbers, read as they come.
    async fn sum(&self, numbers: impl Stream<Item = i64>) -> i64;
    /// How many words came, and whether they came in several CALLs.
    async fn count(
        &self,
        context: Context,
        words: impl Stream<Item = String> + Send,
    ) -> Result<(usize, bool), WampError>;
}

/// Reports each number it has read, so the test can hold the next one back until then.
#[derive(Clone)]
struct Impl {
    read: mpsc::UnboundedSender<i64>,
}

impl Summer for Impl {
    async fn sum(&self, numbers: impl Stream<Item = i64> + Send) -> i64 {
        let mut numbers = std::pin::pin!(numbers);
        let mut total = 0;
        while let Some(n) = numbers.next().await {
            let _ = self.read.send(n);
            total += n;
        }
        total
    }

    async fn count(
        &self,
        context: Context,
        words: impl Stream<Item = String> + Send,
    ) -> Result<(usize, bool), WampError> {
        let progressive = context.details().get("progress") == Some(&Value::Bool(true));
        Ok((words.count().await, progressive))
    }
}

/// Numbers 1..=n, each one only once the callee has read the one before: a client that
/// gathered the stream before sending would wait forever.
fn lockstep(n: i64, read: mpsc::UnboundedReceiver<i64>) -> impl Stream<Item = i64> + Send {
    let read = Arc::new(tokio::sync::Mutex::new(read));
    futures::stream::unfold(1, move |next| {
        let read = read.clone();
        async move {
            if next > n {
                return None;
            }
            if next > 1 {
                let seen = read.lock().await.recv().await;
                assert_eq!(seen, Some(next - 1));
            }
            Some((next, next + 1))
        }
    })
}

#[tokio::test]
async fn a_stream_parameter_travels_item_by_item() {
    let router = router().await;
    let callee = router.connect("realm1").await.unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let (read_tx, read_rx) = mpsc::unbounded_channel();
    let _service = Impl { read: read_tx }.serve(&callee).await.unwrap();
    let client = SummerClient::new(caller.clone());
    let total = wamp_tests::within(client.sum(lockstep(100, read_rx))).await;
    assert_eq!(total.unwrap(), 5050);
    assert_eq!(client.sum(futures::stream::empty()).await.unwrap(), 0);
    let words = futures::stream::iter(["a", "b", "c"].map(String::from));
    assert_eq!(client.count(words).await.unwrap(), (3, true));

    // An item that is not a number fails the call, whichever CALL it came in.
    let mut call = caller
        .call("com.summer.sum")
        .args(&(1,))
        .progressive()
        .await
        .unwrap();
    call.send(Arguments::value(&"two").unwrap()).await.ok();
    let error = call.finish(Arguments::default()).await.unwrap_err();
    assert_eq!(error.uri(), Some(uris::INVALID_ARGUMENT), "{error}");
    // A plain call's positional arguments are the items.
    let plain = caller
        .call("com.summer.sum")
        .args(&(1, 2, 3))
        .await
        .unwrap();
    assert_eq!(plain.value::<i64>().unwrap(), 6);

    // The description says what each item is.
    let description = SummerClient::description();
    let sum = &description.procedures[0];
    assert_eq!(sum.input.as_ref().unwrap()["type"], "integer");
    assert_eq!(sum.args["items"]["type"], "integer");
}

/// Generated clients keep the stream (Rust) or send the items at once (TypeScript, whose
/// autobahn-js has no progressive call invocations); taking a stream or not is a breaking change.
#[test]
fn generated_clients_and_the_diff_know_stream_parameters() {
    let document = wamp_codegen::Document::new(vec![SummerClient::description()]);
    let rust = wamp_codegen::rust::generate(&document).unwrap();
    assert!(
        rust.contains("numbers: impl wamp_core::typed::Stream<Item = i64> + Send"),
        "{rust}"
    );
    let ts = wamp_codegen::typescript::generate(&document);
    assert!(
        ts.contains("numbers: (number | bigint)[]") && ts.contains("[...numbers]"),
        "{ts}"
    );
    let markdown = wamp_codegen::markdown::render(&document);
    assert!(markdown.contains("a stream, sent as progressive call invocations"));
    let mut plain = SummerClient::description();
    plain.procedures[0].input = None;
    let report = wamp_codegen::diff::diff(&document, &wamp_codegen::Document::new(vec![plain]));
    assert!(report.is_breaking());
    assert!(report
        .kinds()
        .contains(&(wamp_codegen::diff::Severity::Breaking, "input-changed")));
}

/// Crossbar.io does not announce `progressive_call_invocations`: the typed client sends every
/// item in one CALL, and the typed callee reads them all the same.
#[tokio::test]
async fn a_stream_parameter_goes_in_one_call_through_crossbar() {
    let cb = require_crossbar!();
    let connect = || Client::new(&cb.ws, &cb.realm).connect();
    let callee = connect().await.unwrap();
    let caller = connect().await.unwrap();
    let (read_tx, _read_rx) = mpsc::unbounded_channel();
    let _service = Impl { read: read_tx }.serve(&callee).await.unwrap();
    let client = SummerClient::new(caller.clone());
    let words = futures::stream::iter(["x", "y"].map(String::from));
    match client.count(words).await {
        Ok(answer) => assert_eq!(answer, (2, false)),
        Err(CallError::NoSuchProcedure(e)) => panic!("not served: {e:?}"),
        Err(other) => panic!("{other:?}"),
    }
}

//! The official Python MCP SDK (PyPI `mcp`, `interop/mcp/mcp_client.py`) as the client of the
//! `wamp-mcp` binary, over stdio and over Streamable HTTP, with the Rust typed calculator
//! (`wamp_tests::typed::Calc`) behind it: through `wamp-router` and through Crossbar.io. Needs
//! the venv that `scripts/install-peers.sh` fills; under the README's test command a missing one
//! is a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value as Json};
use tokio::io::{AsyncBufReadExt, BufReader};
use wamp_tests::typed::{keep_publishing_computed, Calc, Calculator as _};
use wamp_tests::{anonymous, missing_peer, Crossbar as Endpoints, Target};

/// How the client reaches the bridge.
#[derive(Debug, Clone, Copy)]
enum Transport {
    Stdio,
    Http,
}

fn bridge() -> &'static str {
    env!("CARGO_BIN_EXE_wamp-mcp")
}

fn client_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/mcp/mcp_client.py")
}

/// Runs the Python client against a bridge to `cb` while events are published to the topic;
/// gives back its RESULT, parsed. `None` when the SDK is missing (after the skip-or-fail rule).
async fn run_client(cb: &Endpoints, transport: Transport) -> Option<Json> {
    let python = wamp_tests::peer::mcp_python();
    if !python.exists() {
        missing_peer(&format!("{} (the mcp SDK)", python.display()));
        return None;
    }
    let mut command = tokio::process::Command::new(&python);
    command.arg(client_script()).kill_on_drop(true);
    let bridge_args = [
        "--url",
        &cb.ws,
        "--realm",
        &cb.realm,
        "--service",
        "com.typed.calc",
    ];
    // Over HTTP the bridge is a server of its own; the client is given its URL.
    let _http = match transport {
        Transport::Stdio => {
            command.arg("stdio").arg(bridge()).args(bridge_args);
            None
        }
        Transport::Http => {
            let mut server = tokio::process::Command::new(bridge())
                .args(bridge_args)
                .args(["--http", "127.0.0.1:0"])
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
            let url = loop {
                let line = lines
                    .next_line()
                    .await
                    .unwrap()
                    .expect("wamp-mcp said where");
                if let Some(url) = line.strip_prefix("wamp-mcp: serving ") {
                    break url.to_owned();
                }
            };
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            command.arg("http").arg(url);
            Some(server)
        }
    };
    // Events go out until the client has read one from the topic's resource.
    let publisher = anonymous(cb).await;
    let publishing = keep_publishing_computed(publisher, Duration::from_millis(100));
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the MCP client finishes within 60 s")
        .unwrap();
    publishing.abort();
    Some(wamp_tests::peer::result_line("the MCP client", &output))
}

/// What the client must see, whatever the transport and the router.
fn check(result: &Json) {
    let calc = |m: &str| format!("com.typed.calc.{m}");
    let names = [
        "add", "any", "count", "divide", "echo", "norm", "nothing", "sleep", "ticks", "whoami",
        "worker",
    ];
    assert_eq!(result["tools"], json!(names.map(calc)), "{result:#}");
    // Positional parameters are named by their titles; no `$defs` the schema does not use.
    let integer = json!({"type": "integer", "format": "int64"});
    assert_eq!(
        result["add"]["input"],
        json!({
            "type": "object",
            "properties": {
                "a": {"type": "integer", "format": "int64", "title": "a"},
                "b": {"type": "integer", "format": "int64", "title": "b"}
            },
            "required": ["a", "b"],
            "additionalProperties": false
        })
    );
    assert_eq!(
        result["add"]["output"],
        json!({"type": "object", "properties": {"result": integer}, "required": ["result"]})
    );
    let description = result["add"]["description"].as_str().unwrap();
    assert!(
        description.starts_with("`a + b`, or `overflow`."),
        "{description}"
    );
    for uri in ["overflow", "divide_by_zero", "too_long"] {
        assert!(description.contains(&format!("- com.typed.error.{uri}: CalcError::")));
    }
    assert_eq!(result["add"]["idempotent"], json!(false));
    assert_eq!(
        result["divide_input"]["properties"],
        json!({"dividend": integer, "divisor": integer})
    );
    // The whole-kwargs parameter is flattened into its fields.
    assert_eq!(result["norm_input"]["x"]["type"], json!("number"));
    assert_eq!(result["norm_input"]["y"]["type"], json!("number"));
    // A caller that does not ask for progress gets every progressive result in one list.
    assert_eq!(
        result["count_output"]["result"],
        json!({"type": "array", "items": {"type": "integer", "format": "uint32", "minimum": 0}})
    );
    let declared = |variant: &str, uri: &str, args: Json, kwargs: Json| json!({"error": {"error": uri, "args": args, "kwargs": kwargs, "declared": variant}});
    let calls = &result["calls"];
    let structured = |v: Json| json!({"structured": {"result": v}});
    assert_eq!(calls["add"], structured(json!(5)));
    assert_eq!(calls["big"], structured(json!(9_007_199_254_740_994_u64)));
    assert_eq!(calls["divide"], structured(json!(3)));
    assert_eq!(calls["norm"], structured(json!(5.0)));
    assert_eq!(calls["count"], structured(json!([1, 2, 3])));
    assert_eq!(calls["echo_none"], structured(json!(null)));
    assert_eq!(calls["echo_some"], structured(json!("hi")));
    assert_eq!(calls["nothing"], json!({"text": "done"}));
    assert_eq!(result["any_required"], json!(["procedure", "tag"]));
    assert_eq!(calls["any"], structured(json!("com.typed.any.mcp:t")));
    assert_eq!(
        calls["any_elsewhere"],
        json!({"error": {"error": "wamp.error.invalid_argument",
                         "message": "\"com.other.x\" does not match com.typed.any"}})
    );
    let zero = &calls["divide_by_zero"]["error"];
    assert!(zero["declared"]
        .as_str()
        .unwrap()
        .starts_with("CalcError::DivideByZero"));
    assert_eq!(
        calls["divide_by_zero"],
        declared(
            zero["declared"].as_str().unwrap(),
            "com.typed.error.divide_by_zero",
            json!([]),
            json!({"dividend": 9})
        )
    );
    let long = &calls["too_long"]["error"];
    assert!(long["declared"]
        .as_str()
        .unwrap()
        .starts_with("CalcError::TooLong"));
    assert_eq!(long["error"], json!("com.typed.error.too_long"));
    assert_eq!(long["args"], json!([1000]));
    // The typed callee refuses a wrong type; an unknown parameter never leaves the bridge.
    assert_eq!(
        calls["wrong_type"]["error"]["error"],
        json!("wamp.error.invalid_argument")
    );
    assert_eq!(calls["wrong_type"]["error"]["declared"], json!(null));
    assert_eq!(
        calls["unknown_parameter"],
        json!({"error": {"error": "wamp.error.invalid_argument", "message": "unknown parameter \"c\""}})
    );
    assert_eq!(
        result["resources"],
        json!([
            "wamp:topic/com.typed.calc.computed",
            "wamp:topic/com.typed.log"
        ])
    );
    assert_eq!(
        result["event"],
        json!({"topic": "com.typed.calc.computed", "kwargs": {"a": 40, "b": 2, "sum": 42}})
    );
}

async fn through(target: Target, transports: &[Transport]) {
    let Some(routed) = wamp_tests::target(target).await else {
        missing_peer("crossbar (scripts/crossbar.sh start)");
        return;
    };
    let cb = &routed.endpoints;
    let callee = anonymous(cb).await;
    let _service = Calc::named("mcp").serve(&callee).await.unwrap();
    for transport in transports {
        let Some(result) = run_client(cb, *transport).await else {
            return;
        };
        check(&result);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_uses_the_tools_over_stdio_through_the_embedded_router() {
    through(Target::Embedded, &[Transport::Stdio]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_uses_the_tools_over_streamable_http_through_the_embedded_router() {
    through(Target::Embedded, &[Transport::Http]).await;
}

/// One test for both transports: two services of the same prefix cannot both register on the
/// shared Crossbar realm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_uses_the_tools_over_stdio_and_http_through_crossbar() {
    through(Target::Crossbar, &[Transport::Stdio, Transport::Http]).await;
}

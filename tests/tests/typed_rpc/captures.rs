//! Typed URI captures: `{name}` components of a procedure URI filled in from the method's
//! parameters. The callee registers a wildcard pattern and reads each capture back from the
//! procedure called; the typed client builds the URI; a raw caller (or any WAMP peer) just calls
//! the concrete URI.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use wamp_core::message::{uris, MatchPolicy};
use wamp_core::typed::{CallError, Context, ServiceClient as _};
use wamp_core::{wamp_service, WampError};
use wamp_tests::{anonymous, Crossbar};

/// A shelf, captured by its serde name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Shelf {
    Top,
    Bottom,
}

/// No such user.
#[derive(Debug, Clone, PartialEq, WampError)]
pub(crate) enum Missing {
    /// The id is unknown.
    #[wamp(uri = "com.typed.cap.error.no_such_user")]
    NoSuchUser(u64),
}

#[wamp_service(prefix = "com.typed.cap")]
trait Directory {
    /// A user's name, by id.
    #[wamp(name = "user.{id}.name")]
    async fn user_name(&self, id: u64) -> Result<String, Missing>;
    /// Posts `text` into `room`, answering what the callee saw.
    #[wamp(name = "room.{room}.post")]
    async fn post(&self, room: String, text: String, ctx: Context) -> String;
    /// Two captures, one an enum, and a keyword argument.
    #[wamp(uri = "com.typed.cap.shelf.{shelf}.slot.{slot}")]
    async fn slot(&self, shelf: Shelf, slot: u8, #[wamp(kwarg)] label: Option<String>) -> String;
}

struct Dir;

impl Directory for Dir {
    async fn user_name(&self, id: u64) -> Result<String, Missing> {
        match id {
            404 => Err(Missing::NoSuchUser(id)),
            id => Ok(format!("user-{id}")),
        }
    }
    async fn post(&self, room: String, text: String, ctx: Context) -> String {
        format!("{room}: {text} ({})", ctx.procedure())
    }
    async fn slot(&self, shelf: Shelf, slot: u8, label: Option<String>) -> String {
        format!("{shelf:?}/{slot}/{}", label.unwrap_or_default())
    }
}

pub(crate) async fn typed_captures(cb: &Crossbar) {
    let callee = anonymous(cb).await;
    let _handle = Dir.serve(&callee).await.unwrap();
    let caller = anonymous(cb).await;
    let client = DirectoryClient::new(caller.clone());

    // The client fills each capture in; the callee reads it back, typed.
    assert_eq!(client.user_name(7).await.unwrap(), "user-7");
    match client.user_name(404).await.unwrap_err() {
        CallError::Service(Missing::NoSuchUser(404)) => {}
        other => panic!("expected the declared error, got {other:?}"),
    }
    assert_eq!(
        client.post("lobby".into(), "hi".into()).await.unwrap(),
        "lobby: hi (com.typed.cap.room.lobby.post)"
    );
    // A string that reads as a number stays a string for a `String` capture.
    assert_eq!(
        client.post("42".into(), "n".into()).await.unwrap(),
        "42: n (com.typed.cap.room.42.post)"
    );
    assert_eq!(
        client
            .slot(Shelf::Bottom, 3, Some("jam".into()))
            .await
            .unwrap(),
        "Bottom/3/jam"
    );

    // What is no URI component fails the call before it is sent.
    for bad in ["a.b", "", "two words", "x#"] {
        match client.post(bad.into(), "x".into()).await.unwrap_err() {
            CallError::Decode(e) => {
                assert!(e.to_string().contains("capture `room`"), "{bad:?}: {e}")
            }
            other => panic!("{bad:?}: expected an encoding error, got {other:?}"),
        }
    }

    // On the wire, a capture is a plain URI component: a raw caller names the URI.
    let r = caller.call("com.typed.cap.user.9.name").await.unwrap();
    assert_eq!(r.value::<String>().unwrap(), "user-9");
    let r = caller
        .call("com.typed.cap.shelf.top.slot.1")
        .kwargs(&json!({"label": "tea"}))
        .await
        .unwrap();
    assert_eq!(r.value::<String>().unwrap(), "Top/1/tea");
    // A component that does not decode into the parameter's type is the caller's error.
    for (uri, capture) in [
        ("com.typed.cap.user.bob.name", "capture `id`"),
        ("com.typed.cap.shelf.middle.slot.1", "capture `shelf`"),
        ("com.typed.cap.shelf.top.slot.300", "capture `slot`"),
    ] {
        let e = caller.call(uri).await.unwrap_err();
        let e = e.wamp().unwrap_or_else(|| panic!("{uri}: {e:?}"));
        assert_eq!(e.uri, uris::INVALID_ARGUMENT, "{uri}");
        assert!(format!("{:?}", e.args).contains(capture), "{uri}: {e:?}");
    }

    // The registered patterns, and the description keeping the templates.
    assert!(DirectoryClient::PROCEDURES.contains(&"com.typed.cap.user..name"));
    assert!(DirectoryClient::PROCEDURES.contains(&"com.typed.cap.shelf..slot."));
    let description = DirectoryClient::description();
    let slot = description
        .procedures
        .iter()
        .find(|p| p.name == "slot")
        .unwrap();
    assert_eq!(slot.uri, "com.typed.cap.shelf.{shelf}.slot.{slot}");
    assert_eq!(slot.match_policy, MatchPolicy::Wildcard);
    let captures = slot.captures.as_ref().unwrap();
    assert_eq!(captures["required"], json!(["shelf", "slot"]));
    assert!(slot.kwargs["properties"].get("label").is_some());
    assert!(slot.kwargs["properties"].get("shelf").is_none());
}

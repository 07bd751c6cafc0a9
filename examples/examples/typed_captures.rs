//! Typed URI captures: `{name}` components of a procedure's URI or an event's topic are
//! parameters and fields. The callee registers one wildcard pattern and gets each component
//! decoded; the client builds the concrete URI; subscribers get the components back, typed.
//!
//! Run: `cargo run -p wamp-examples --example typed_captures` (or add `URL REALM`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::typed::{CallError, Context};
use wamp_core::{wamp_service, WampError, WampEvent};
use wamp_examples::{check, Target};

/// A post in a room, from a member: both are in the topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.example.rooms.{room}.member.{member}.posted")]
pub struct Posted {
    /// The room.
    pub room: String,
    /// Who posted.
    pub member: u32,
    /// What they wrote.
    pub text: String,
}

/// No such room.
#[derive(Debug, Clone, PartialEq, WampError)]
pub enum RoomError {
    /// The room does not exist.
    #[wamp(uri = "com.example.rooms.error.no_such_room")]
    NoSuchRoom,
}

/// Rooms, addressed by URI.
#[wamp_service(prefix = "com.example.rooms", events(Posted))]
pub trait Rooms {
    /// How many members a room has.
    #[wamp(name = "{room}.size")]
    async fn size(&self, room: String) -> Result<u32, RoomError>;
    /// Whether a member may post in a room, and the URI the callee was called under.
    #[wamp(name = "{room}.member.{member}.may_post")]
    async fn may_post(&self, room: String, member: u32, ctx: Context) -> (bool, String);
}

struct Directory;

impl Rooms for Directory {
    async fn size(&self, room: String) -> Result<u32, RoomError> {
        match room.as_str() {
            "lobby" => Ok(12),
            "attic" => Ok(2),
            _ => Err(RoomError::NoSuchRoom),
        }
    }
    async fn may_post(&self, room: String, member: u32, ctx: Context) -> (bool, String) {
        (room == "lobby" || member == 1, ctx.procedure().to_owned())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let _handle = Directory.serve(&callee).await?;
    let session = target.connect().await?;
    let rooms = RoomsClient::new(session.clone());

    // The client fills each capture in; the callee gets it typed.
    check("size of lobby", rooms.size("lobby".into()).await?, 12)?;
    let missing = matches!(
        rooms.size("cellar".into()).await,
        Err(CallError::Service(RoomError::NoSuchRoom))
    );
    check("size of cellar is no_such_room", missing, true)?;
    let (may, called) = rooms.may_post("attic".into(), 7).await?;
    check("member 7 may post in the attic", may, false)?;
    check(
        "called as",
        called.as_str(),
        "com.example.rooms.attic.member.7.may_post",
    )?;
    // A value that is no URI component is refused before anything is sent.
    let refused = matches!(rooms.size("a.b".into()).await, Err(CallError::Decode(_)));
    check("size of \"a.b\" refused", refused, true)?;
    // Any WAMP peer calls the concrete URI.
    let raw = session.call("com.example.rooms.attic.size").await?;
    check(
        "raw call of com.example.rooms.attic.size",
        raw.value::<u32>()?,
        2,
    )?;

    // Events: the topic carries the captures; a typed subscription gets them back.
    let mut posts = session.subscribe_event::<Posted>().await?;
    let post = Posted {
        room: "lobby".into(),
        member: 3,
        text: "hello".into(),
    };
    session
        .publish_event(&post)
        .exclude_me(false)
        .acknowledge()
        .await?;
    let (got, details) = posts
        .next_with_details()
        .await
        .ok_or_else(|| anyhow::anyhow!("the subscription ended"))??;
    check("posted", got, post)?;
    check(
        "published to",
        details.topic.as_str(),
        "com.example.rooms.lobby.member.3.posted",
    )?;
    Ok(())
}

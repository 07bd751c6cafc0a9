//! Typed events: `#[derive(WampEvent)]` binds a type to its topic; `publish_event` sends it and
//! `subscribe_event` receives a typed stream. Named fields travel as kwargs, tuple fields as
//! args, so untyped publishers and subscribers interoperate.
//!
//! Run: `cargo run -p wamp-examples --example typed_events` (or add `URL REALM`).

use futures::StreamExt as _;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::{MatchPolicy, WampEvent};
use wamp_examples::Target;

/// A score, as kwargs `{"player": ..., "points": ...}`.
#[derive(Debug, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.example.game.scored")]
pub struct Scored {
    /// Who scored.
    pub player: String,
    /// How much.
    pub points: u32,
}

/// A chat line, as args `[who, text]`.
#[derive(Debug, WampEvent)]
#[wamp(topic = "com.example.game.chat")]
pub struct Chat(pub String, pub String);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let publisher = target.connect().await?;
    let subscriber = target.connect().await?;

    let mut scores = subscriber.subscribe_event::<Scored>().await?;
    let mut chat = subscriber.subscribe_event::<Chat>().await?;
    // Every Chat under a prefix, with the concrete topic in the details.
    let mut any_chat = subscriber
        .subscribe("com.example.game")
        .match_policy(MatchPolicy::Prefix)
        .typed::<Chat>()
        .await?;

    publisher
        .publish_event(&Scored {
            player: "ada".into(),
            points: 3,
        })
        .acknowledge()
        .await?;
    publisher
        .publish_event(&Chat("alan".into(), "well played".into()))
        .acknowledge()
        .await?;

    if let Some(score) = scores.next().await {
        println!("scored: {:?}", score?);
    }
    if let Some(line) = chat.next().await {
        let Chat(who, text) = line?;
        println!("chat: {who}: {text}");
    }
    // The prefix subscription also saw the Scored event, which is not a Chat: it reports a
    // decode error and goes on.
    while let Some(item) = any_chat.next_with_details().await {
        match item {
            Ok((Chat(who, text), details)) => {
                println!("on {}: {who}: {text}", details.topic);
                break;
            }
            Err(e) => println!("skipped: {e}"),
        }
    }
    Ok(())
}

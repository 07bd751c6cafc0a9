//! Typed events: `#[derive(WampEvent)]` binds a type to its topic; `publish_event` sends it and
//! `subscribe_event` receives a typed stream. Named fields travel as kwargs, tuple fields as
//! args, so untyped publishers and subscribers interoperate.
//!
//! Run: `cargo run -p wamp-examples --example typed_events` (or add `URL REALM`).

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::{MatchPolicy, WampEvent};
use wamp_examples::{check, next, Target};

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

    let score = next("the score", &mut scores).await??;
    check("scored", (score.player.as_str(), score.points), ("ada", 3))?;
    let Chat(who, text) = next("the chat line", &mut chat).await??;
    check(
        "chat",
        (who.as_str(), text.as_str()),
        ("alan", "well played"),
    )?;
    // The prefix subscription also saw the Scored event, which is not a Chat: it reports a
    // decode error and goes on.
    let mut skipped = 0;
    loop {
        let item = tokio::time::timeout(Duration::from_secs(5), any_chat.next_with_details())
            .await
            .map_err(|_| anyhow::anyhow!("no chat line on the prefix subscription within 5 s"))?;
        match item {
            Some(Ok((Chat(who, text), details))) => {
                check("on", details.topic.as_str(), "com.example.game.chat")?;
                check(
                    "the line",
                    (who.as_str(), text.as_str()),
                    ("alan", "well played"),
                )?;
                break;
            }
            Some(Err(e)) => {
                println!("skipped: {e}");
                skipped += 1;
            }
            None => anyhow::bail!("the prefix subscription ended"),
        }
    }
    check("events skipped as not a Chat", skipped, 1)?;
    Ok(())
}

//! Event history: the router keeps the last events of a topic; a subscriber that comes later
//! replays them before the live ones, with no gap and no duplicate between the two.
//!
//! Run: `cargo run -p wamp-examples --example event_history` (or add `URL REALM` of a router
//! that keeps history for `com.example.news`).

use serde_json::json;
use wamp_core::meta::{HistoryQuery, SubscriptionMetaClient};
use wamp_examples::{check, next, Target};
use wamp_router::HistoryRule;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args_with(|realm| {
        realm.event_history(HistoryRule::new("com.example.news", 100))
    })
    .await?;
    let publisher = target.connect().await?;
    for n in 1..=5 {
        publisher
            .publish("com.example.news")
            .kwargs(&json!({ "headline": format!("story {n}") }))
            .acknowledge()
            .await?;
    }

    // Comes later, asks for the last three, then gets live ones.
    let reader = target.connect().await?;
    let mut news = reader.subscribe("com.example.news").history(3).await?;
    publisher
        .publish("com.example.news")
        .kwargs(&json!({ "headline": "story 6" }))
        .acknowledge()
        .await?;
    let mut got = Vec::new();
    for _ in 0..4 {
        let event = next("a story", &mut news).await??;
        let kwargs: serde_json::Value = event.arguments.decode_kwargs()?;
        let headline = kwargs
            .get("headline")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        got.push((headline, event.from_history));
    }
    check(
        "replayed, then live",
        got,
        vec![
            ("story 3".into(), true),
            ("story 4".into(), true),
            ("story 5".into(), true),
            ("story 6".into(), false),
        ],
    )?;

    // The same history through the typed meta binding, newest first.
    let listed = SubscriptionMetaClient::new(reader.clone())
        .get_events(news.id(), HistoryQuery::last(2))
        .await?;
    let headlines: Vec<_> = listed
        .iter()
        .filter_map(|e| {
            e.kwargs
                .as_ref()?
                .get("headline")?
                .as_text()
                .map(str::to_owned)
        })
        .collect();
    check(
        "the last two",
        headlines,
        vec!["story 6".into(), "story 5".into()],
    )?;
    Ok(())
}

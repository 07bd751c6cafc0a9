//! `#[subscribe]` handlers: an async function taking a typed event (and optionally its details)
//! becomes a handler; `#[event_handlers]` makes an impl block's `#[subscribe]` methods one set;
//! `session.subscribe_handlers(..)` subscribes them all at once.
//!
//! Run: `cargo run -p wamp-examples --example typed_subscribe` (or add `URL REALM`).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::typed::EventDetails;
use wamp_core::{event_handlers, subscribe, WampEvent};
use wamp_examples::{check, Target};

/// An order was placed.
#[derive(Debug, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.example.orders.placed")]
pub struct Placed {
    /// The order.
    pub order: u64,
    /// Its total, in cents.
    pub total: u32,
}

/// Logs every order.
#[subscribe]
async fn log_order(event: Placed, details: EventDetails) {
    println!("log: order {} on {}", event.order, details.topic);
}

/// Any event under `com.example.orders` (a prefix pattern): the details give the topic.
#[subscribe(topic = "com.example.orders", match = "prefix")]
async fn audit(event: Placed, details: EventDetails) -> Result<(), String> {
    println!(
        "audit: {} ({} cents) via {}",
        event.order, event.total, details.topic
    );
    Ok(())
}

/// Handlers with state.
struct Revenue {
    cents: Arc<AtomicU32>,
}

#[event_handlers]
impl Revenue {
    #[subscribe]
    async fn add(&self, event: Placed) {
        self.cents.fetch_add(event.total, Ordering::Relaxed);
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let subscriber = target.connect().await?;
    let cents = Arc::new(AtomicU32::new(0));
    let running = subscriber
        .subscribe_handlers((
            log_order,
            audit,
            Revenue {
                cents: cents.clone(),
            },
        ))
        .await?;
    check(
        "subscribed",
        running.topics().collect::<Vec<_>>(),
        vec![
            "com.example.orders.placed",
            "com.example.orders",
            "com.example.orders.placed",
        ],
    )?;

    let publisher = target.connect().await?;
    for (order, total) in [(1, 250), (2, 1200)] {
        publisher
            .publish_event(&Placed { order, total })
            .acknowledge()
            .await?;
    }
    // The handlers run as events arrive; wait (at most 5 s) until the revenue is all counted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while cents.load(Ordering::Relaxed) < 1450 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check("revenue (cents)", cents.load(Ordering::Relaxed), 1450)?;
    check("handler failures", running.failed(), 0)?;
    check("undecodable events", running.undecodable(), 0)?;
    drop(running); // unsubscribes every handler
    Ok(())
}

//! Composing typed services: a part of one service and a whole other one registered together
//! under one handle, their state kept in the implementations without `Arc` in user code; and
//! per-call options on the typed client.
//!
//! Run: `cargo run -p wamp-examples --example typed_compose` (or add `URL REALM`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wamp_core::typed::CallError;
use wamp_core::wamp_service;
use wamp_examples::{check, Target};

/// An inventory.
#[wamp_service(prefix = "com.example.inventory")]
pub trait Inventory {
    /// How many items are in stock.
    async fn count(&self) -> u64;
    /// Adds items; answers the new count.
    async fn restock(&self, items: u64) -> u64;
    /// Takes a while.
    async fn audit(&self) -> u64;
}

/// A greeter.
#[wamp_service(prefix = "com.example.greeter")]
pub trait Greeter {
    /// Greets.
    async fn greet(&self, name: String) -> String;
}

/// The inventory's state, in the implementation itself.
struct Stock {
    items: AtomicU64,
}

impl Inventory for Stock {
    async fn count(&self) -> u64 {
        self.items.load(Ordering::Relaxed)
    }
    async fn restock(&self, items: u64) -> u64 {
        self.items.fetch_add(items, Ordering::Relaxed) + items
    }
    async fn audit(&self) -> u64 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.items.load(Ordering::Relaxed)
    }
}

struct Desk {
    greeting: &'static str,
}

impl Greeter for Desk {
    async fn greet(&self, name: String) -> String {
        format!("{}, {name}!", self.greeting)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let stock = Stock {
        items: AtomicU64::new(3),
    };
    // A read-only part of the inventory, and the greeter, under one handle.
    let handle = stock
        .service()
        .only(&["count", "audit"])
        .and(Desk { greeting: "Hello" }.service())
        .serve(&callee)
        .await?;
    check(
        "served",
        handle.procedures().collect::<Vec<_>>(),
        vec![
            "com.example.inventory.count",
            "com.example.inventory.audit",
            "com.example.inventory.describe",
            "com.example.greeter.greet",
            "com.example.greeter.describe",
        ],
    )?;

    let caller = target.connect().await?;
    let inventory = InventoryClient::new(caller.clone());
    check("count", inventory.count().await?, 3)?;
    let not_served = matches!(
        inventory.restock(1).await,
        Err(CallError::NoSuchProcedure(_))
    );
    check("restock is not served", not_served, true)?;
    let greeting = GreeterClient::new(caller).greet("Ada".into()).await?;
    check("greeting", greeting.as_str(), "Hello, Ada!")?;

    // Per-call options: this audit may not take 300 ms.
    let hurried = inventory.audit().timeout(Duration::from_millis(50)).await;
    check(
        "audit with a 50 ms timeout",
        matches!(hurried, Err(CallError::Timeout)),
        true,
    )?;
    Ok(())
}

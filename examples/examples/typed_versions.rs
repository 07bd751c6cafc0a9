//! Two versions of a service side by side, a URI prefix per version, served by one
//! implementation; the old version's method is `#[deprecated]`, which its description, the
//! generated clients and the Markdown reference carry, and which `wamp-codegen diff` reports as
//! a compatible change (removing it later is compatible too: it was announced).
//!
//! Run: `cargo run -p wamp-examples --example typed_versions` (or add `URL REALM`).

use std::sync::Arc;

use wamp_core::wamp_service;
use wamp_examples::{check, Target};

/// Version 1: totals as integers.
#[wamp_service(prefix = "com.example.totals.v1")]
pub trait TotalsV1 {
    /// The sum of two numbers.
    #[deprecated(note = "use com.example.totals.v2.sum, which takes a list")]
    async fn add(&self, a: i64, b: i64) -> i64;
}

/// Version 2: totals of lists.
#[wamp_service(prefix = "com.example.totals.v2")]
pub trait TotalsV2 {
    /// The sum of a list of numbers.
    async fn sum(&self, numbers: Vec<i64>) -> i64;
}

/// One implementation behind both versions; the state is shared without user-written locks.
struct Totals {
    calls: std::sync::atomic::AtomicU64,
}

impl Totals {
    fn total(&self, numbers: &[i64]) -> i64 {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        numbers.iter().sum()
    }
}

#[allow(deprecated)]
impl TotalsV1 for Arc<Totals> {
    async fn add(&self, a: i64, b: i64) -> i64 {
        self.total(&[a, b])
    }
}

impl TotalsV2 for Arc<Totals> {
    async fn sum(&self, numbers: Vec<i64>) -> i64 {
        self.total(&numbers)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let totals = Arc::new(Totals {
        calls: Default::default(),
    });
    let _v1 = TotalsV1::serve(totals.clone(), &callee).await?;
    let _v2 = TotalsV2::serve(totals.clone(), &callee).await?;

    let caller = target.connect().await?;
    #[allow(deprecated)]
    let old = TotalsV1Client::new(caller.clone()).add(2, 3).await?;
    let new = TotalsV2Client::new(caller).sum(vec![2, 3, 4]).await?;
    check("v1 and v2 side by side", (old, new), (5, 9))?;
    check(
        "one implementation served both",
        totals.calls.load(std::sync::atomic::Ordering::Relaxed),
        2,
    )?;
    let described = TotalsV1Client::description()
        .procedures
        .first()
        .and_then(|p| p.deprecated.clone());
    check(
        "v1 add is described as deprecated",
        described.as_deref(),
        Some("use com.example.totals.v2.sum, which takes a list"),
    )?;
    Ok(())
}

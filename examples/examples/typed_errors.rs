//! Typed errors: `#[derive(WampError)]` maps each variant to an error URI (unit, positional and
//! keyword payloads); a caller gets the service's own type back, and every other failure
//! (timeout, no such procedure, invalid argument...) as a distinct `CallError` kind.
//!
//! Run: `cargo run -p wamp-examples --example typed_errors` (or add `URL REALM`).

use wamp_core::typed::CallError;
use wamp_core::{wamp_service, WampError};
use wamp_examples::{check, Target};

/// The shop's errors.
#[derive(Debug, WampError)]
#[wamp(prefix = "com.example.shop.error")]
pub enum ShopError {
    /// `com.example.shop.error.sold_out`: no payload.
    SoldOut,
    /// `com.example.shop.error.too_many`: `args = [max]`.
    TooMany(u32),
    /// `com.example.shop.error.unknown_item`: `kwargs = {"item": ...}`.
    UnknownItem {
        /// The item asked for.
        item: String,
    },
}

/// A shop.
#[wamp_service(prefix = "com.example.shop")]
pub trait Shop {
    /// Buys `count` of `item`; answers the order number.
    async fn buy(&self, item: String, count: u32) -> Result<u64, ShopError>;
    /// Takes its time; the client gives up after 100 ms.
    #[wamp(timeout_ms = 100)]
    async fn slow(&self);
}

struct Kiosk;

impl Shop for Kiosk {
    async fn buy(&self, item: String, count: u32) -> Result<u64, ShopError> {
        match (item.as_str(), count) {
            ("tea", n) if n > 5 => Err(ShopError::TooMany(5)),
            ("tea", n) => Ok(1000 + u64::from(n)),
            ("coffee", _) => Err(ShopError::SoldOut),
            _ => Err(ShopError::UnknownItem { item }),
        }
    }

    async fn slow(&self) {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let service = Kiosk.serve(&callee).await?;
    let caller = target.connect().await?;
    let shop = ShopClient::new(caller.clone());

    check("buy(tea, 2)", shop.buy("tea".into(), 2).await?, 1002)?;
    let said = |item: &str, count| {
        let shop = shop.clone();
        let item = item.to_owned();
        async move {
            match shop.buy(item.clone(), count).await {
                Err(CallError::Service(e)) => Ok(format!("{e:?}")),
                other => {
                    anyhow::bail!("buy({item}, {count}): expected a shop error, got {other:?}")
                }
            }
        }
    };
    check(
        "buy(tea, 9): the shop said",
        said("tea", 9).await?,
        "TooMany(5)".into(),
    )?;
    check(
        "buy(coffee, 1): the shop said",
        said("coffee", 1).await?,
        "SoldOut".into(),
    )?;
    check(
        "buy(cake, 1): the shop said",
        said("cake", 1).await?,
        "UnknownItem { item: \"cake\" }".into(),
    )?;
    match shop.slow().await {
        Err(CallError::Timeout) => println!("slow(): timed out (and was canceled)"),
        other => anyhow::bail!("slow(): expected a timeout, got {other:?}"),
    }
    match caller.call("com.example.shop.buy").args(&(1, 2)).await {
        Err(e) => check(
            "untyped buy(1, 2)",
            e.uri(),
            Some("wamp.error.invalid_argument"),
        )
        .map(|_| ())?,
        Ok(r) => anyhow::bail!("untyped buy(1, 2): expected invalid_argument, got {r:?}"),
    }
    drop(service);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    match shop.buy("tea".into(), 1).await {
        Err(CallError::NoSuchProcedure(e)) => {
            check(
                "after the service handle is dropped",
                e.uri.as_str(),
                "wamp.error.no_such_procedure",
            )?;
        }
        other => anyhow::bail!("expected no_such_procedure, got {other:?}"),
    }
    Ok(())
}

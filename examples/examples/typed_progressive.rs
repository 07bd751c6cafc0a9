//! Progressive results: a method returning `impl Stream` sends each item as a progressive
//! RESULT; the client gets a typed `Stream`, and dropping it cancels the call, which interrupts
//! the callee.
//!
//! Run: `cargo run -p wamp-examples --example typed_progressive` (or add `URL REALM`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::{Stream, StreamExt as _};
use wamp_core::typed::CallError;
use wamp_core::{wamp_service, WampError};
use wamp_examples::{check, next, Target};

/// The download's errors.
#[derive(Debug, WampError)]
#[wamp(prefix = "com.example.download.error")]
pub enum DownloadError {
    /// `com.example.download.error.not_found`, `args = [name]`.
    NotFound(String),
}

/// Downloads in chunks.
#[wamp_service(prefix = "com.example.download")]
pub trait Download {
    /// The file's chunks, one progressive result each.
    async fn chunks(&self, name: String) -> impl Stream<Item = Result<String, DownloadError>>;
    /// A tick every 50 ms, forever: stop it by dropping the stream.
    async fn ticks(&self) -> impl Stream<Item = u64>;
}

struct Files;

/// Ticks the callee produced, to show that the cancel stops it.
static TICKED: AtomicU64 = AtomicU64::new(0);

impl Download for Files {
    async fn chunks(&self, name: String) -> impl Stream<Item = Result<String, DownloadError>> {
        let items: Vec<Result<String, DownloadError>> = if name == "readme" {
            (1..=3)
                .map(|i| Ok(format!("chunk {i} of readme")))
                .collect()
        } else {
            vec![Err(DownloadError::NotFound(name))]
        };
        futures::stream::iter(items)
    }

    async fn ticks(&self) -> impl Stream<Item = u64> {
        futures::stream::unfold(0u64, |n| async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            println!("  callee: tick {n}");
            TICKED.fetch_add(1, Ordering::Relaxed);
            Some((n, n + 1))
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let _service = Files.serve(&callee).await?;
    let download = DownloadClient::new(target.connect().await?);

    let mut chunks = download.chunks("readme".into()).await?;
    let mut received = Vec::new();
    while let Some(chunk) = chunks.next().await {
        received.push(chunk?);
    }
    check(
        "received",
        received,
        (1..=3).map(|i| format!("chunk {i} of readme")).collect(),
    )?;
    let mut missing = download.chunks("nothing".into()).await?;
    match next("the typed error", &mut missing).await? {
        Err(CallError::Service(DownloadError::NotFound(name))) => {
            check(
                "typed error mid-stream: not found",
                name.as_str(),
                "nothing",
            )?;
        }
        other => anyhow::bail!("expected NotFound, got {other:?}"),
    }

    let ticks: Vec<u64> = download
        .ticks()
        .await?
        .take(3)
        .map(|t| t.unwrap_or_default())
        .collect()
        .await;
    check(
        "took, then dropped the stream (the call is canceled)",
        ticks,
        vec![0, 1, 2],
    )?;
    // One tick may have been on its way when the INTERRUPT arrived; none after that.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let settled = TICKED.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    check(
        "ticks after the cancel",
        TICKED.load(Ordering::Relaxed) - settled,
        0,
    )?;
    Ok(())
}

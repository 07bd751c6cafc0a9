//! A method whose parameter is a stream: the client sends the items one by one as progressive
//! call invocations and the callee reads them as they come (through a dealer without the
//! feature, Crossbar.io for one, the client sends them all in one call and it still works).
//!
//! Run: `cargo run -p wamp-examples --example typed_stream_input` (or add `URL REALM`).

use futures::{Stream, StreamExt as _};
use wamp_core::wamp_service;
use wamp_examples::{check, Target};

/// Uploads.
#[wamp_service(prefix = "com.example.upload")]
pub trait Upload {
    /// Stores the lines as they come; answers how many bytes it stored.
    async fn lines(&self, lines: impl Stream<Item = String>) -> usize;
}

struct Store;

impl Upload for Store {
    async fn lines(&self, lines: impl Stream<Item = String> + Send) -> usize {
        let mut lines = std::pin::pin!(lines);
        let mut stored = 0;
        while let Some(line) = lines.next().await {
            println!("  callee: line {line:?}");
            stored += line.len();
        }
        stored
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let _service = Store.serve(&callee).await?;
    let upload = UploadClient::new(target.connect().await?);
    let lines = futures::stream::iter(["first", "second", "third"]).map(String::from);
    check("stored bytes", upload.lines(lines).await?, 16)?;
    Ok(())
}

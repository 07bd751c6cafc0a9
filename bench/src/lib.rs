//! The benchmark program's parts: the workloads each worker process runs, the orchestration of
//! a run, and the report. The binary `wamp-bench` is the entry point; see its docs.

pub mod crossbar;
pub mod ctx;
pub mod curves;
pub mod floor;
pub mod format;
pub mod growth;
pub mod machine;
pub mod markdown;
pub mod measure;
pub mod memory;
pub mod output;
pub mod plan;
pub mod plot;
pub mod pubsub;
pub mod report;
pub mod resident;
pub mod routers;
pub mod rpc;
pub mod scale;
pub mod spawn;
pub mod targets;

/// Waits until stdin reaches its end: how the orchestrator stops a long-running worker.
pub async fn wait_stdin_closed() {
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    })
    .await;
}

//! `wamp-bench`: speed and memory of the WAMP library, measured side by side with the physical
//! floor (a WebSocket echo and a frame relay), Crossbar.io and the Autobahn clients, in one run.
//!
//! ```text
//! bash scripts/bench.sh                  # the documented command: builds, installs the peers, runs all
//! wamp-bench run --quick                 # every figure once, briefly (a smoke run)
//! wamp-bench run --only rpc,floor        # some sections
//! ```
//!
//! `run` starts every party as its own process (this binary's hidden `worker` roles, the
//! `wamp-router` binary, Crossbar, the Python and Node clients in `bench/peers/`), under each
//! thread placement, and writes `benchmarks.json`, `benchmarks.svg` and `benchmarks.md` (the
//! table, the machine, the targets met or missed) to `--out`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use wamp_bench::measure::Window;
use wamp_bench::rpc::{Api, Conn};
use wamp_bench::{floor, memory, plan, pubsub, rpc};

/// Benchmarks of the WAMP library against the floor, Crossbar.io and Autobahn.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the benchmarks and writes the report (the default).
    Run(plan::RunArgs),
    /// One party of a figure (started by `run`).
    #[command(hide = true)]
    Worker {
        #[command(subcommand)]
        role: Role,
    },
}

#[derive(Debug, clap::Args)]
struct WindowArgs {
    /// Warm-up before counting, milliseconds.
    #[arg(long, default_value_t = 200)]
    warmup_ms: u64,
    /// The counted window, milliseconds.
    #[arg(long, default_value_t = 1000)]
    duration_ms: u64,
}

impl WindowArgs {
    fn window(&self) -> Window {
        Window {
            warmup: Duration::from_millis(self.warmup_ms),
            duration: Duration::from_millis(self.duration_ms),
        }
    }
}

#[derive(Debug, Subcommand)]
enum Role {
    /// A WebSocket echo server.
    EchoServer {
        #[arg(long)]
        addr: String,
    },
    /// A frame relay for one callee and one caller.
    Relay {
        #[arg(long)]
        addr: String,
    },
    /// The relay's echoing callee.
    EchoPeer {
        #[arg(long)]
        url: String,
    },
    /// Frames with N in flight to an echo server or through a relay.
    FloorClient {
        #[arg(long)]
        url: String,
        #[arg(long)]
        inflight: usize,
        /// Frames the size of a CALL carrying this many payload bytes, instead of `bench.add`'s.
        #[arg(long)]
        payload: Option<usize>,
        #[command(flatten)]
        window: WindowArgs,
    },
    /// Serves `bench.add` (and `bench.echo`) until stdin closes.
    Callee {
        #[command(flatten)]
        conn: Conn,
        /// Also serve `bench.hold` (never answers) and `bench.held`.
        #[arg(long)]
        hold: bool,
    },
    /// Calls `bench.add` (or `bench.echo` with `--payload`) with N in flight.
    Caller {
        #[command(flatten)]
        conn: Conn,
        #[arg(long, value_enum)]
        api: Api,
        #[arg(long)]
        inflight: usize,
        /// Call `bench.echo` with a string of this many bytes (raw `session.call`).
        #[arg(long)]
        payload: Option<usize>,
        #[command(flatten)]
        window: WindowArgs,
    },
    /// Router, callee and caller in this process, over the in-process connection.
    InProcess {
        #[arg(long, value_enum)]
        api: Api,
        #[arg(long)]
        inflight: usize,
        #[command(flatten)]
        window: WindowArgs,
    },
    /// One publisher and N subscribers.
    Pubsub {
        #[command(flatten)]
        conn: Conn,
        #[arg(long)]
        subscribers: usize,
        /// Events on their way to the slowest subscriber at most.
        #[arg(long)]
        window_events: u64,
        #[command(flatten)]
        window: WindowArgs,
    },
    /// N idle sessions (optionally each subscribed), held until stdin closes.
    Idle {
        #[command(flatten)]
        conn: Conn,
        #[arg(long)]
        sessions: usize,
        #[arg(long)]
        subscribe: bool,
    },
    /// N idle sessions over the in-process connection, router in this process: bytes and joins/s.
    IdleInProcess {
        #[arg(long)]
        sessions: usize,
    },
    /// N bare WebSocket connections, held until stdin closes.
    IdleWebsockets {
        #[arg(long)]
        url: String,
        #[arg(long)]
        connections: usize,
    },
    /// Client memory per pending call.
    Pending {
        #[command(flatten)]
        conn: Conn,
        #[arg(long)]
        calls: usize,
    },
}

async fn work(role: Role) -> anyhow::Result<()> {
    match role {
        Role::EchoServer { addr } => floor::echo_server(&addr).await,
        Role::Relay { addr } => floor::relay(&addr).await,
        Role::EchoPeer { url } => floor::echo_peer(&url).await,
        Role::FloorClient {
            url,
            inflight,
            payload,
            window,
        } => floor::client(&url, inflight, payload, window.window())
            .await?
            .emit(),
        Role::Callee { conn, hold } => rpc::callee(&conn, hold).await,
        Role::Caller {
            conn,
            api,
            inflight,
            payload,
            window,
        } => rpc::caller(&conn, api, inflight, payload, window.window())
            .await?
            .emit(),
        Role::InProcess {
            api,
            inflight,
            window,
        } => rpc::in_process(api, inflight, window.window())
            .await?
            .emit(),
        Role::Pubsub {
            conn,
            subscribers,
            window_events,
            window,
        } => pubsub::run(&conn, subscribers, window_events, window.window())
            .await?
            .emit(),
        Role::Idle {
            conn,
            sessions,
            subscribe,
        } => memory::idle(&conn, sessions, subscribe).await,
        Role::IdleInProcess { sessions } => memory::idle_in_process(sessions).await?.emit(),
        Role::IdleWebsockets { url, connections } => {
            memory::idle_websockets(&url, connections).await
        }
        Role::Pending { conn, calls } => rpc::pending(&conn, calls).await?.emit(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Worker { role }) => {
            // A multi-thread runtime sized by the CPUs this process may use (1 under taskset -c 0).
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    println!("ERROR runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            // In a task, as an application's code runs, not on the thread that blocks on the
            // runtime: the session's driver and its caller then hand off within a worker.
            let result = runtime.block_on(async {
                tokio::spawn(work(role))
                    .await
                    .unwrap_or_else(|e| Err(anyhow::anyhow!("the worker task failed: {e}")))
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    println!("ERROR {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Run(args)) => plan::main(args),
        None => plan::main(plan::RunArgs::default()),
    }
}

//! The figures against real peers: a private Crossbar.io node (started with
//! `scripts/crossbar.sh` on ports 18580+, pinned with `taskset` per placement), and the same RPC
//! and pub/sub workloads with our client, autobahn-python, autobahn-js and the XConn client
//! (`bench/peers/`), against Crossbar and side by side against `wamp-router`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use crate::ctx::{callee, caller_spec, pubsub_spec, run_cases, Ctx, Measure, RouterProcess};
use crate::measure::rss_bytes;
use crate::report::{Figure, Metric};
use crate::spawn::{Placement, Spec};

/// A private Crossbar node for the benchmarks, stopped on drop.
pub(crate) struct Crossbar {
    root: PathBuf,
    dir: PathBuf,
    url: String,
    realm: String,
    python: String,
    node_path: String,
}

impl Crossbar {
    const DIR: &'static str = "/tmp/wamp-bench-crossbar";
    const PORT_BASE: &'static str = "18580";

    /// Starts the node (installing nothing: the peers must be installed).
    pub(crate) fn start(root: &Path) -> anyhow::Result<Crossbar> {
        let python = std::env::var("WAMP_PEERS_PYTHON").map_err(|_| {
            anyhow::anyhow!("WAMP_PEERS_PYTHON is not set: the peers are not installed (run `bash scripts/bench.sh`, which installs them)")
        })?;
        let node_path = std::env::var("WAMP_PEERS_NODE_PATH").map_err(|_| {
            anyhow::anyhow!("WAMP_PEERS_NODE_PATH is not set: autobahn-js is not installed")
        })?;
        let dir = PathBuf::from(Self::DIR);
        let status = std::process::Command::new("bash")
            .arg(root.join("scripts/crossbar.sh"))
            .arg("start")
            .env("WAMP_CROSSBAR_DIR", &dir)
            .env("WAMP_CROSSBAR_PORT_BASE", Self::PORT_BASE)
            .stdout(std::process::Stdio::null())
            .status()
            .context("running scripts/crossbar.sh")?;
        if !status.success() {
            bail!("scripts/crossbar.sh start failed");
        }
        let info: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("interop.json"))?)?;
        let url = info
            .get("ws")
            .and_then(|v| v.as_str())
            .context("interop.json has no ws")?
            .to_string();
        let realm = info
            .get("realm")
            .and_then(|v| v.as_str())
            .unwrap_or("realm1")
            .to_string();
        Ok(Crossbar {
            root: root.to_path_buf(),
            dir,
            url,
            realm,
            python,
            node_path,
        })
    }

    /// Every process of the node (controller and workers).
    fn pids(&self) -> anyhow::Result<Vec<u32>> {
        let root: u32 = std::fs::read_to_string(self.dir.join("crossbar.pid"))?
            .trim()
            .parse()?;
        let mut all = vec![root];
        let mut i = 0;
        while let Some(&parent) = all.get(i) {
            for entry in std::fs::read_dir("/proc")?.flatten() {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                    continue;
                };
                let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
                // pid (comm) state ppid ...: the comm may hold spaces, so read after the last ')'.
                let ppid = stat
                    .rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                    .and_then(|p| p.parse::<u32>().ok());
                if ppid == Some(parent) && !all.contains(&pid) {
                    all.push(pid);
                }
            }
            i += 1;
        }
        Ok(all)
    }

    /// Its WebSocket URL.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Pins every process of the node to `placement`'s CPUs.
    pub(crate) fn place(&self, placement: Placement) -> anyhow::Result<()> {
        for pid in self.pids()? {
            placement.apply_to(pid)?;
        }
        Ok(())
    }

    fn rss(&self) -> u64 {
        self.pids()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| rss_bytes(p).ok())
            .sum()
    }
}

impl Drop for Crossbar {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg(self.root.join("scripts/crossbar.sh"))
            .arg("stop")
            .env("WAMP_CROSSBAR_DIR", &self.dir)
            .env("WAMP_CROSSBAR_PORT_BASE", Self::PORT_BASE)
            .stdout(std::process::Stdio::null())
            .status();
    }
}

/// Our client, autobahn-python and autobahn-js against Crossbar; our client against wamp-router.
pub(crate) fn peers(
    ctx: &mut Ctx,
    placement: Placement,
    crossbar: &Crossbar,
) -> anyhow::Result<()> {
    crossbar.place(placement)?;
    let router = RouterProcess::start(ctx, placement)?;
    let mut on_crossbar = callee(ctx, placement, &crossbar.url, "json", false)?;
    let mut on_router = callee(ctx, placement, &router.ws, "json", false)?;
    let c = &*ctx;
    let (warm, dur) = (c.peer_window.0.to_string(), c.peer_window.1.to_string());
    let python_script = c.args.root.join("bench/peers/bench_client.py");
    let node_script = c.args.root.join("bench/peers/bench_client.js");
    let xconn_script = c.args.root.join("bench/peers/bench_xconn.py");
    let peer_spec =
        |client: &str, workload: &str, url: &str, depth: usize| -> anyhow::Result<Spec> {
            let depth = depth.to_string();
            let rest = [
                workload,
                url,
                crossbar.realm.as_str(),
                depth.as_str(),
                warm.as_str(),
                dur.as_str(),
            ];
            Ok(match client {
                "autobahn-python" => {
                    let mut args = vec![python_script.to_str().context("path")?];
                    args.extend(rest);
                    Spec::program(&format!("python-{workload}"), &crossbar.python, &args)
                }
                "autobahn-js" => {
                    let mut args = vec![node_script.to_str().context("path")?];
                    args.extend(rest);
                    Spec::program(&format!("node-{workload}"), "node", &args)
                        .env("NODE_PATH", &crossbar.node_path)
                }
                "XConn" => {
                    let python = std::env::var("WAMP_PEERS_XCONN_PYTHON").context(
                        "WAMP_PEERS_XCONN_PYTHON is not set: the XConn client is not installed",
                    )?;
                    let mut args = vec![xconn_script.to_str().context("path")?];
                    args.extend(rest);
                    Spec::program(&format!("xconn-{workload}"), python, &args)
                }
                _ => bail!("unknown client {client}"),
            })
        };
    let peer_spec = &peer_spec;
    let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
    // Every client against Crossbar and, side by side, against wamp-router.
    let mut targets = Vec::new();
    for (router_name, url) in [
        ("Crossbar", crossbar.url.as_str()),
        ("wamp-router", router.ws.as_str()),
    ] {
        for client in ["wamp-rs", "autobahn-python", "autobahn-js", "XConn"] {
            targets.push((client, router_name, url));
        }
    }
    for inflight in [1usize, 100] {
        for &(client, router_name, url) in &targets {
            let figure = Figure::new(
                "peers",
                "RPC, WebSocket json",
                placement,
                Metric::Rate,
                "calls/s",
            )
            .param("client", client)
            .param("router", router_name)
            .param("inflight", inflight)
            .baseline(&format!("relay/{inflight}"))
            .key(&format!("peers/rpc/{client}/{router_name}/{inflight}"));
            cases.push((
                figure,
                Box::new(move || {
                    let spec = if client == "wamp-rs" {
                        caller_spec(c, url, "json", "typed", inflight, true)?
                    } else {
                        peer_spec(client, "rpc", url, inflight)?
                    };
                    c.sample(&spec, placement)
                }),
            ));
        }
    }
    for &(client, router_name, url) in &targets {
        let figure = Figure::new(
            "peers",
            "pub/sub, WebSocket json",
            placement,
            Metric::Rate,
            "events/s",
        )
        .param("client", client)
        .param("router", router_name)
        .param("subscribers", 1)
        .param("in flight", 100)
        .baseline("relay/100")
        .key(&format!("peers/pubsub/{client}/{router_name}"));
        cases.push((
            figure,
            Box::new(move || {
                let spec = if client == "wamp-rs" {
                    pubsub_spec(c, url, "json", 1, 100)?
                } else {
                    peer_spec(client, "pubsub", url, 100)?
                };
                c.sample(&spec, placement)
            }),
        ));
    }
    let figures = run_cases(c, cases);
    let rss = crossbar.rss();
    ctx.report.figures.extend(figures);
    ctx.report.crossbar_rss = Some(rss);
    on_crossbar.stop();
    on_router.stop();
    drop(router);
    crossbar.place(Placement::Unpinned)?;
    Ok(())
}

//! The machine the figures come from: CPU, memory, kernel, Rust, and the peers' versions.

use serde::Serialize;

/// The machine the figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// CPU model.
    pub cpu: String,
    /// CPUs online.
    pub cpus: usize,
    /// Memory.
    pub memory: String,
    /// Kernel release.
    pub kernel: String,
    /// `rustc -V`.
    pub rustc: String,
    /// Crossbar and Autobahn versions, when installed.
    pub peers: String,
    /// When (UTC).
    pub date: String,
}

impl Machine {
    /// Reads this machine and the installed peers' versions.
    pub fn probe() -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let run = |cmd: &str, args: &[&str]| {
            std::process::Command::new(cmd)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_else(|| "unknown".into())
        };
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let memory = read("/proc/meminfo")
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
            .unwrap_or_default();
        let peers = match std::env::var("WAMP_PEERS_PYTHON") {
            Ok(py) => {
                let py_versions = run(
                    &py,
                    &[
                        "-c",
                        "import crossbar, autobahn; print(f'Crossbar {crossbar.__version__}, autobahn-python {autobahn.__version__}')",
                    ],
                );
                let js = std::env::var("WAMP_PEERS_NODE_PATH")
                    .map(|p| {
                        run(
                            "node",
                            &[
                                "-p",
                                &format!("require('{p}/autobahn/package.json').version"),
                            ],
                        )
                    })
                    .unwrap_or_else(|_| "unknown".into());
                let npm = |p: &str| {
                    std::env::var("WAMP_PEERS_NODE_PATH")
                        .map(|dir| {
                            run(
                                "node",
                                &["-p", &format!("require('{dir}/{p}/package.json').version")],
                            )
                        })
                        .unwrap_or_else(|_| "unknown".into())
                };
                let xconn = std::env::var("WAMP_PEERS_XCONN_PYTHON")
                    .map(|py| {
                        run(
                            &py,
                            &[
                                "-c",
                                "import importlib.metadata as m; print(m.version('xconn'))",
                            ],
                        )
                    })
                    .unwrap_or_else(|_| "unknown".into());
                format!(
                    "{py_versions}, autobahn-js {js}, Node {}; other routers: fox-wamp {}, wamp.rt {}, wamp-server {}, XConn {xconn}, battler-wamp 0.6.1",
                    run("node", &["-v"]),
                    npm("fox-wamp"),
                    npm("wamp.rt"),
                    npm("wamp-server"),
                )
            }
            Err(_) => "not installed".into(),
        };
        Machine {
            cpu,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            rustc: run("rustc", &["-V"]),
            peers,
            date: run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        }
    }
}

//! What one worker measures: operations in a timed window, their latencies and the process's CPU
//! time, and the driver that keeps N operations in flight.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The timed window of one measurement: a warm-up that is not counted, then the measured part.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Run before counting (connections warm, allocations made).
    pub warmup: Duration,
    /// The counted part.
    pub duration: Duration,
}

/// One worker's result, printed as `RESULT {json}` on its stdout.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sample {
    /// Operations completed inside the measured window.
    pub ops: u64,
    /// The measured window's length in seconds.
    pub secs: f64,
    /// CPU time (user + system, every thread) the worker process used in the window, seconds.
    pub cpu_secs: f64,
    /// Median latency of an operation, microseconds.
    pub p50_us: f64,
    /// 99th percentile latency, microseconds.
    pub p99_us: f64,
    /// Figures particular to the workload (bytes per call, deliveries...).
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Sample {
    /// Operations per second.
    pub fn rate(&self) -> f64 {
        if self.secs > 0.0 {
            self.ops as f64 / self.secs
        } else {
            0.0
        }
    }

    /// Prints the sample the way the orchestrator reads it.
    pub fn emit(&self) -> anyhow::Result<()> {
        println!("RESULT {}", serde_json::to_string(self)?);
        Ok(())
    }
}

/// The CPU time this process has used so far (every thread).
pub fn process_cpu() -> Duration {
    cpu_time::ProcessTime::try_now()
        .map(|t| t.as_duration())
        .unwrap_or_default()
}

/// Latencies in nanoseconds, summarised by percentiles.
#[derive(Debug, Default)]
pub struct Latencies(Vec<u64>);

impl Latencies {
    /// Records one latency.
    pub fn push(&mut self, d: Duration) {
        self.0.push(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    }

    /// Adds every latency of `other`.
    pub fn extend(&mut self, other: Latencies) {
        self.0.extend(other.0);
    }

    /// How many were recorded.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `q` quantile (0..=1) in microseconds, 0 when nothing was recorded.
    pub fn quantile_us(&mut self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let last = self.0.len() - 1;
        let at = ((last as f64) * q).round() as usize;
        let (_, v, _) = self.0.select_nth_unstable(at.min(last));
        *v as f64 / 1000.0
    }
}

struct Tally {
    ops: u64,
    latencies: Latencies,
}

/// Runs `lanes` copies of `op` back to back, each starting its next operation as soon as its last
/// one ends, so that `lanes` operations are in flight; counts what completes inside the measured
/// part of `window`. All lanes run in the calling task, so the figure is the library's cost, not a
/// task scheduler's. (The tally's lock is never contended: one task takes it.)
pub async fn drive<F, Fut>(lanes: usize, window: Window, op: F) -> anyhow::Result<Sample>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let begin = Instant::now();
    let start = begin + window.warmup;
    let end = start + window.duration;
    let tally = Mutex::new(Tally {
        ops: 0,
        latencies: Latencies::default(),
    });
    let lane = |index: usize| {
        let (op, tally) = (&op, &tally);
        async move {
            let mut seq = index as u64;
            loop {
                let t0 = Instant::now();
                op(seq).await?;
                let t1 = Instant::now();
                seq += lanes as u64;
                if t0 >= start && t1 <= end {
                    if let Ok(mut t) = tally.lock() {
                        t.ops += 1;
                        t.latencies.push(t1 - t0);
                    }
                }
                if t1 >= end {
                    return anyhow::Ok(());
                }
            }
        }
    };
    let cpu = async {
        tokio::time::sleep_until(start.into()).await;
        let c0 = process_cpu();
        tokio::time::sleep_until(end.into()).await;
        process_cpu().saturating_sub(c0)
    };
    let (results, cpu) = futures::join!(futures::future::join_all((0..lanes).map(lane)), cpu);
    for r in results {
        r?;
    }
    let mut t = tally
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a lane panicked"))?;
    Ok(Sample {
        ops: t.ops,
        secs: window.duration.as_secs_f64(),
        cpu_secs: cpu.as_secs_f64(),
        p50_us: t.latencies.quantile_us(0.5),
        p99_us: t.latencies.quantile_us(0.99),
        extra: Default::default(),
    })
}

/// The resident set size of a process, in bytes, from `/proc/PID/status`.
pub fn rss_bytes(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or_else(|| anyhow::anyhow!("no VmRSS in /proc/{pid}/status"))?;
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("bad VmRSS line {line:?}"))?
        .parse()?;
    Ok(kib * 1024)
}

/// The median of some values (the mean of the middle two for an even count); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    match (v.get(mid.wrapping_sub(1)), v.get(mid)) {
        (Some(a), Some(b)) if v.len() % 2 == 0 => (a + b) / 2.0,
        (_, Some(b)) => *b,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn medians_and_quantiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        let mut l = Latencies::default();
        for us in 1..=100u64 {
            l.push(Duration::from_micros(us));
        }
        assert_eq!(l.quantile_us(0.5).round(), 51.0);
        assert_eq!(l.quantile_us(0.99).round(), 99.0);
    }

    #[tokio::test]
    async fn drive_keeps_lanes_in_flight_and_counts_the_window() {
        let inflight = std::cell::Cell::new(0usize);
        let most = std::cell::Cell::new(0usize);
        let window = Window {
            warmup: Duration::from_millis(20),
            duration: Duration::from_millis(100),
        };
        let s = drive(4, window, |_| {
            let (inflight, most) = (&inflight, &most);
            async move {
                inflight.set(inflight.get() + 1);
                most.set(most.get().max(inflight.get()));
                tokio::time::sleep(Duration::from_millis(5)).await;
                inflight.set(inflight.get() - 1);
                Ok(())
            }
        })
        .await
        .unwrap();
        assert_eq!(most.get(), 4);
        // 4 lanes of 5 ms operations in 100 ms: about 80, never more.
        assert!(s.ops > 20 && s.ops <= 84, "{s:?}");
        assert!(s.p50_us >= 5000.0, "{s:?}");
    }
}

//! The pub/sub workload: one publisher and N subscribers (each its own session, all in this
//! process) on one topic. The publisher keeps at most `window` events not yet received by every
//! subscriber, so nothing is dropped and the rate is what is delivered; with a window of 1 it
//! publishes one event at a time and times its delivery to all.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tokio::sync::Notify;

use crate::measure::{process_cpu, Latencies, Sample, Window};
use crate::rpc::Conn;

/// The topic every event goes to.
pub const TOPIC: &str = "bench.topic";

struct Shared {
    epoch: Instant,
    start: Instant,
    end: Instant,
    /// Per subscriber: how many events it has received.
    received: Vec<AtomicU64>,
    progress: Notify,
    /// Publish-to-receive latency of every delivery inside the window.
    latencies: Mutex<Latencies>,
}

impl Shared {
    fn slowest(&self) -> u64 {
        self.received
            .iter()
            .map(|r| r.load(Ordering::Acquire))
            .min()
            .unwrap_or(0)
    }

    /// Waits until every subscriber has received `count` events; 10 s without reaching it is an
    /// error naming `event`.
    async fn until_slowest(&self, count: u64, event: u64) -> anyhow::Result<()> {
        while self.slowest() < count {
            let notified = self.progress.notified();
            if self.slowest() >= count {
                break;
            }
            if tokio::time::timeout(Duration::from_secs(10), notified)
                .await
                .is_err()
            {
                anyhow::bail!("no subscriber progress for 10 s at event {event}");
            }
        }
        Ok(())
    }
}

/// Runs the workload against the router at `conn`.
pub async fn run(
    conn: &Conn,
    subscribers: usize,
    window_events: u64,
    window: Window,
) -> anyhow::Result<Sample> {
    let publisher = conn.connect().await?;
    let mut sessions = Vec::with_capacity(subscribers);
    let mut streams = Vec::with_capacity(subscribers);
    // A few hundred at a time, as in the memory figures: thousands of subscribers join in
    // seconds, not one round trip after another.
    while sessions.len() < subscribers {
        let batch = (subscribers - sessions.len()).min(200);
        let joined = futures::future::try_join_all((0..batch).map(|_| async {
            let s = conn.connect().await?;
            let stream = s.subscribe(TOPIC).await?;
            anyhow::Ok((s, stream))
        }))
        .await?;
        for (s, stream) in joined {
            sessions.push(s);
            streams.push(stream);
        }
    }
    let epoch = Instant::now();
    let start = epoch + window.warmup;
    let shared = Arc::new(Shared {
        epoch,
        start,
        end: start + window.duration,
        received: (0..subscribers).map(|_| AtomicU64::new(0)).collect(),
        progress: Notify::new(),
        latencies: Mutex::new(Latencies::default()),
    });
    let mut tasks = Vec::new();
    for (index, mut stream) in streams.into_iter().enumerate() {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Latencies::default();
            while let Some(event) = stream.next().await {
                let (seq, sent_ns): (u64, u64) = event?.args()?;
                let now = Instant::now();
                if now >= shared.start && now <= shared.end {
                    let sent = shared.epoch + Duration::from_nanos(sent_ns);
                    mine.push(now.saturating_duration_since(sent));
                }
                if let Some(r) = shared.received.get(index) {
                    r.store(seq + 1, Ordering::Release);
                }
                shared.progress.notify_one();
                if now > shared.end {
                    break;
                }
            }
            if let Ok(mut all) = shared.latencies.lock() {
                all.extend(mine);
            }
            anyhow::Ok(())
        }));
    }

    let mut all_received = Latencies::default();
    let mut seq = 0u64;
    let (mut first, mut cpu0) = (None, Duration::ZERO);
    let last = loop {
        // Wait until fewer than `window_events` are on their way to the slowest subscriber.
        shared
            .until_slowest((seq + 1).saturating_sub(window_events), seq)
            .await?;
        let now = Instant::now();
        if first.is_none() && now >= start {
            first = Some(shared.slowest());
            cpu0 = process_cpu();
        }
        if now >= shared.end {
            break shared.slowest();
        }
        let sent_ns = u64::try_from(now.duration_since(epoch).as_nanos()).unwrap_or(u64::MAX);
        publisher.publish(TOPIC).args(&(seq, sent_ns)).await?;
        seq += 1;
        if window_events == 1 {
            // One at a time: time the delivery to every subscriber.
            shared.until_slowest(seq, seq).await?;
            if now >= start {
                all_received.push(now.elapsed());
            }
        }
    };
    let cpu = process_cpu().saturating_sub(cpu0);
    // The subscribers stop at the first event after the window: send one more.
    publisher.publish(TOPIC).args(&(seq, 0u64)).await?;
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(10), t).await???;
    }
    let mut latencies = shared
        .latencies
        .lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default();
    let events = last.saturating_sub(first.unwrap_or(last));
    let mut sample = Sample {
        ops: events,
        secs: window.duration.as_secs_f64(),
        cpu_secs: cpu.as_secs_f64(),
        p50_us: latencies.quantile_us(0.5),
        p99_us: latencies.quantile_us(0.99),
        extra: Default::default(),
    };
    sample
        .extra
        .insert("deliveries".into(), (events * subscribers as u64).into());
    sample
        .extra
        .insert("latency_samples".into(), latencies.len().into());
    if window_events == 1 {
        sample
            .extra
            .insert("all_p50_us".into(), all_received.quantile_us(0.5).into());
        sample
            .extra
            .insert("all_p99_us".into(), all_received.quantile_us(0.99).into());
    }
    publisher.leave().await;
    for s in sessions {
        s.leave().await;
    }
    Ok(sample)
}

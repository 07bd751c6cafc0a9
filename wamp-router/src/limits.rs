//! The connection limits of a listener (its connections, those per client IP address) and each session's
//! message rate.
//!
//! The rate is a token bucket: a session may send `burst` messages at once and `per_second` on
//! average. Past it the router stops reading that connection until a token is back, so the
//! client's own socket buffers fill and its sends slow down (TCP backpressure): nothing is
//! dropped or refused, and other sessions go on at full speed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How many messages a session may send: `per_second` on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    per_second: u32,
    burst: u32,
}

impl RateLimit {
    /// `per_second` messages a second on average (at least 1), and as many at once.
    pub fn per_second(per_second: u32) -> Self {
        let per_second = per_second.max(1);
        Self {
            per_second,
            burst: per_second,
        }
    }

    /// Up to `burst` messages at once (at least 1).
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }
}

/// A session's token bucket.
#[derive(Debug)]
pub(crate) struct Pace {
    limit: RateLimit,
    tokens: f64,
    at: Instant,
}

impl Pace {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            tokens: f64::from(limit.burst),
            at: Instant::now(),
        }
    }

    fn refill(&mut self) {
        let now = Instant::now();
        let earned = now.duration_since(self.at).as_secs_f64() * f64::from(self.limit.per_second);
        self.tokens = (self.tokens + earned).min(f64::from(self.limit.burst));
        self.at = now;
    }

    /// When the next message may be read: `None` for now.
    pub(crate) fn wait(&mut self) -> Option<Instant> {
        self.refill();
        if self.tokens >= 1.0 {
            return None;
        }
        let missing = 1.0 - self.tokens;
        Some(self.at + Duration::from_secs_f64(missing / f64::from(self.limit.per_second)))
    }

    /// One message was read.
    pub(crate) fn spend(&mut self) {
        self.tokens -= 1.0;
    }
}

/// One of a listener's connections, counted while it lives.
pub(crate) struct Slot(Arc<AtomicUsize>);

impl Slot {
    /// A slot, or `None` when the listener already holds `max` connections.
    pub(crate) fn take(active: &Arc<AtomicUsize>, max: Option<usize>) -> Option<Slot> {
        let max = max.unwrap_or(usize::MAX);
        active
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(active.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The connections of one listener per client IP address, counted while they live; an
/// address with none left has no entry.
#[derive(Debug, Default)]
pub(crate) struct PerIp(Mutex<HashMap<IpAddr, usize>>);

/// One connection counted against its address (nothing when the listener sets no limit).
#[derive(Debug)]
pub(crate) struct IpSlot(Option<(Arc<PerIp>, IpAddr)>);

impl PerIp {
    /// A slot for a connection from `ip`, or `None` when `ip` already holds `max`.
    pub(crate) fn take(self: &Arc<Self>, ip: IpAddr, max: Option<usize>) -> Option<IpSlot> {
        let Some(max) = max else {
            return Some(IpSlot(None));
        };
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(ip).or_insert(0);
        if *count >= max {
            if *count == 0 {
                counts.remove(&ip);
            }
            return None;
        }
        *count += 1;
        Some(IpSlot(Some((self.clone(), ip))))
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        if let Some((per_ip, ip)) = self.0.take() {
            let mut counts = per_ip.0.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(count) = counts.get_mut(&ip) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    counts.remove(&ip);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_ip_counts_and_forgets() {
        let per_ip = Arc::new(PerIp::default());
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let a = per_ip.take(ip, Some(2)).unwrap();
        let _b = per_ip.take(ip, Some(2)).unwrap();
        assert!(per_ip.take(ip, Some(2)).is_none());
        assert!(per_ip.take("10.0.0.1".parse().unwrap(), Some(2)).is_some());
        drop(a);
        let _c = per_ip.take(ip, Some(2)).unwrap();
        drop(_c);
        drop(_b);
        assert!(
            per_ip.0.lock().unwrap().is_empty(),
            "no entry for an idle address"
        );
        assert!(per_ip.take(ip, Some(0)).is_none());
        assert!(per_ip.0.lock().unwrap().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_allows_a_burst_then_the_rate() {
        let mut pace = Pace::new(RateLimit::per_second(10).burst(3));
        for _ in 0..3 {
            assert!(pace.wait().is_none());
            pace.spend();
        }
        let next = pace.wait().expect("the burst is spent");
        assert_eq!(next - Instant::now(), Duration::from_millis(100));
        tokio::time::advance(Duration::from_millis(100)).await;
        assert!(pace.wait().is_none());
    }
}

//! The floor baselines: what the same sockets, the same WebSocket library and the same runtime do
//! with no WAMP in the way. A WebSocket echo server; a frame relay that pairs a callee with a
//! caller and forwards frames without parsing them (caller -> relay -> callee -> relay -> caller,
//! the four hops of a routed call); the echoing callee; and a pipelined client.

use std::collections::VecDeque;
use std::time::Instant;

use anyhow::Context as _;
use futures::{SinkExt as _, StreamExt as _, TryStreamExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::measure::{process_cpu, Latencies, Sample, Window};

/// The frame every floor client sends: the bytes of the JSON CALL the RPC figures send.
pub const FRAME: &str = r#"[48,7,{},"bench.add",[421,1]]"#;

type Ws = WebSocketStream<TcpStream>;

async fn accept(listener: &TcpListener) -> anyhow::Result<Ws> {
    let (tcp, _) = listener.accept().await?;
    upgrade(tcp).await
}

async fn upgrade(tcp: TcpStream) -> anyhow::Result<Ws> {
    tcp.set_nodelay(true)?;
    // The server side reads like a router session.
    let config = config().read_buffer_size(wamp_router::SESSION_READ_BUFFER);
    Ok(tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await?)
}

/// The WebSocket configuration the library uses (its read buffer size), so that the floor
/// differs from a WAMP peer only by WAMP.
fn config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    wamp_core::transport::websocket::websocket_config(16 * 1024 * 1024)
}

fn is_data(m: &Message) -> bool {
    m.is_text() || m.is_binary()
}

/// Echoes every data frame back to the connection it came from, one task per connection, until
/// stdin closes.
pub async fn echo_server(addr: &str) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    println!("READY");
    tokio::select! {
        r = echo_connections(listener) => r,
        () = crate::wait_stdin_closed() => Ok(()),
    }
}

async fn echo_connections(listener: TcpListener) -> anyhow::Result<()> {
    loop {
        let (tcp, _) = listener.accept().await?;
        // Each handshake in its own task: one slow or failed client stops nobody else.
        tokio::spawn(async move {
            let Ok(ws) = upgrade(tcp).await else { return };
            let (tx, rx) = ws.split();
            let _ = rx
                .try_filter(|m| futures::future::ready(is_data(m)))
                .forward(tx)
                .await;
        });
    }
}

/// Pairs the first connection (the callee) with the second (the caller) and forwards frames
/// both ways without looking inside them, until the caller leaves. Like the router, it writes
/// whatever has arrived before flushing, so pipelined frames share a write.
pub async fn relay(addr: &str) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    println!("READY");
    let (callee_tx, callee_rx) = accept(&listener).await?.split();
    let (caller_tx, caller_rx) = accept(&listener).await?.split();
    // The caller leaving (or either side failing) ends the relay.
    tokio::select! {
        r = pump(caller_rx, callee_tx) => r,
        r = pump(callee_rx, caller_tx) => r,
    }
}

async fn pump(
    mut rx: futures::stream::SplitStream<Ws>,
    mut tx: futures::stream::SplitSink<Ws, Message>,
) -> anyhow::Result<()> {
    use futures::FutureExt as _;
    while let Some(m) = rx.next().await {
        let mut m = m?;
        loop {
            if m.is_close() {
                return Ok(());
            }
            if is_data(&m) {
                tx.feed(m).await?;
            }
            match rx.next().now_or_never() {
                Some(Some(next)) => m = next?,
                Some(None) => return Ok(()),
                None => break,
            }
        }
        tx.flush().await?;
    }
    Ok(())
}

/// The relay's callee: connects and echoes every frame.
pub async fn echo_peer(url: &str) -> anyhow::Result<()> {
    let (ws, _) = connect(url).await?;
    println!("READY");
    let (tx, rx) = ws.split();
    rx.try_filter(|m| futures::future::ready(is_data(m)))
        .forward(tx)
        .await?;
    Ok(())
}

/// Connects to a WebSocket server with the library's WebSocket configuration and no delay.
pub async fn connect(
    url: &str,
) -> anyhow::Result<(
    WebSocketStream<MaybeTlsStream<TcpStream>>,
    tokio_tungstenite::tungstenite::handshake::client::Response,
)> {
    let r = tokio_tungstenite::connect_async_with_config(url, Some(config()), true)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    if let MaybeTlsStream::Plain(tcp) = r.0.get_ref() {
        tcp.set_nodelay(true)?;
    }
    Ok(r)
}

/// The JSON CALL of `bench.echo` with a string of `bytes` bytes: the frame of a payload figure.
pub fn echo_frame(bytes: usize) -> String {
    format!(r#"[48,7,{{}},"bench.echo",["{}"]]"#, "x".repeat(bytes))
}

/// Sends `FRAME` (or, with `payload`, [`echo_frame`]) with `inflight` frames outstanding and
/// times each answer: the best a WAMP caller could do over the same socket and library.
pub async fn client(
    url: &str,
    inflight: usize,
    payload: Option<usize>,
    window: Window,
) -> anyhow::Result<Sample> {
    // Shared bytes: each send clones a handle, not the payload.
    let frame: tokio_tungstenite::tungstenite::Utf8Bytes =
        payload.map_or_else(|| FRAME.to_string(), echo_frame).into();
    let (ws, _) = connect(url).await?;
    let (mut tx, mut rx) = ws.split();
    let begin = Instant::now();
    let start = begin + window.warmup;
    let end = start + window.duration;
    let mut sent: VecDeque<Instant> = VecDeque::with_capacity(inflight);
    let mut latencies = Latencies::default();
    let (mut ops, mut cpu0, mut started) = (0u64, std::time::Duration::ZERO, false);
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        if !started && now >= start {
            started = true;
            cpu0 = process_cpu();
        }
        while sent.len() < inflight {
            tx.feed(Message::Text(frame.clone())).await?;
            sent.push_back(Instant::now());
        }
        tx.flush().await?;
        let answer = rx
            .next()
            .await
            .ok_or_else(|| anyhow::anyhow!("the peer closed"))??;
        if !is_data(&answer) {
            continue;
        }
        let t1 = Instant::now();
        if let Some(t0) = sent.pop_front() {
            if t0 >= start && t1 <= end {
                ops += 1;
                latencies.push(t1 - t0);
            }
        }
    }
    let cpu = process_cpu().saturating_sub(cpu0);
    let _ = tx.close().await;
    Ok(Sample {
        ops,
        secs: window.duration.as_secs_f64(),
        cpu_secs: cpu.as_secs_f64(),
        p50_us: latencies.quantile_us(0.5),
        p99_us: latencies.quantile_us(0.99),
        extra: Default::default(),
    })
}

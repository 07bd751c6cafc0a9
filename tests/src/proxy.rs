//! A TCP proxy on loopback that the fault tests control: it forwards bytes between clients and
//! a router, and on command cuts every connection (cleanly, or in the middle of a RawSocket
//! frame), freezes them (holds the bytes without closing, like a peer that vanished), or refuses
//! new connections (like a router that is down).

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// Forward everything.
    Forward = 0,
    /// Forward nothing and close nothing: both ends see silence.
    Freeze = 1,
    /// Close every new connection at once.
    Refuse = 2,
}

/// A running proxy. Dropping it stops accepting; open connections end with their tasks.
pub struct Proxy {
    addr: std::net::SocketAddr,
    mode: Arc<AtomicU8>,
    /// Bumped to cut every open connection.
    cut: watch::Sender<Cut>,
    accepted: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

/// How open connections are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    None,
    /// Close both sides now.
    Now(u64),
    /// Forward the first half of the next RawSocket frame from the router, then close.
    MidFrame(u64),
}

impl Proxy {
    /// Starts a proxy on 127.0.0.1 (a port picked by the OS) in front of `upstream`
    /// (`host:port`).
    pub async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let mode = Arc::new(AtomicU8::new(Mode::Forward as u8));
        let (cut, _) = watch::channel(Cut::None);
        let accepted = Arc::new(AtomicU64::new(0));
        let upstream = upstream.to_owned();
        let task = {
            let mode = mode.clone();
            let cut = cut.clone();
            let accepted = accepted.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    accepted.fetch_add(1, Ordering::Relaxed);
                    if mode.load(Ordering::Relaxed) == Mode::Refuse as u8 {
                        drop(client);
                        continue;
                    }
                    let Ok(router) = TcpStream::connect(&upstream).await else {
                        drop(client);
                        continue;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = router.set_nodelay(true);
                    tokio::spawn(relay(client, router, mode.clone(), cut.subscribe()));
                }
            })
        };
        Proxy {
            addr,
            mode,
            cut,
            accepted,
            task,
        }
    }

    /// The proxy's `host:port`.
    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    /// Sets what happens to traffic from now on.
    pub fn set_mode(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::Relaxed);
    }

    /// Closes every open connection now.
    pub fn cut_all(&self) {
        self.cut.send_modify(|c| *c = Cut::Now(generation(*c) + 1));
    }

    /// Makes every open connection forward only the first half of the next frame the router
    /// sends (RawSocket framing), then close.
    pub fn cut_mid_frame(&self) {
        self.cut
            .send_modify(|c| *c = Cut::MidFrame(generation(*c) + 1));
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        self.cut_all();
    }
}

fn generation(cut: Cut) -> u64 {
    match cut {
        Cut::None => 0,
        Cut::Now(g) | Cut::MidFrame(g) => g,
    }
}

/// Holds read bytes while the proxy is frozen.
async fn while_frozen(mode: &AtomicU8) {
    while mode.load(Ordering::Relaxed) == Mode::Freeze as u8 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Forwards one connection until either side closes or a cut is ordered.
async fn relay(
    client: TcpStream,
    router: TcpStream,
    mode: Arc<AtomicU8>,
    cut: watch::Receiver<Cut>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut router_read, mut router_write) = router.into_split();
    let upstream = {
        let mode = mode.clone();
        let mut cut = cut.clone();
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                tokio::select! {
                    read = client_read.read(&mut buf) => {
                        let n = match read { Ok(0) | Err(_) => return, Ok(n) => n };
                        while_frozen(&mode).await;
                        if router_write.write_all(&buf[..n]).await.is_err() { return; }
                    }
                    changed = cut.changed() => {
                        if changed.is_err() || matches!(*cut.borrow(), Cut::Now(_)) { return; }
                    }
                }
            }
        }
    };
    let downstream = async move {
        let mut cut = cut;
        let mut frames = RawSocketFrames::default();
        let mut buf = vec![0u8; 64 * 1024];
        let mut mid_frame = false;
        loop {
            tokio::select! {
                read = router_read.read(&mut buf) => {
                    let n = match read { Ok(0) | Err(_) => return, Ok(n) => n };
                    while_frozen(&mode).await;
                    let chunk = &buf[..n];
                    if mid_frame {
                        if let Some(at) = frames.middle_of_next_frame(chunk) {
                            let _ = client_write.write_all(&chunk[..at]).await;
                            let _ = client_write.flush().await;
                            return;
                        }
                    } else {
                        frames.advance(chunk);
                    }
                    if client_write.write_all(chunk).await.is_err() { return; }
                }
                changed = cut.changed() => {
                    if changed.is_err() { return; }
                    match *cut.borrow() {
                        Cut::Now(_) => return,
                        Cut::MidFrame(_) => mid_frame = true,
                        Cut::None => {}
                    }
                }
            }
        }
    };
    // Either direction ending ends both: dropping the halves closes the sockets.
    tokio::select! {
        () = upstream => {}
        () = downstream => {}
    }
}

/// Tracks RawSocket frame boundaries in the router-to-client bytes (after the 4-octet
/// handshake), to cut inside a frame.
#[derive(Debug, Default)]
struct RawSocketFrames {
    /// Handshake octets still to pass.
    handshake_left: Option<usize>,
    /// Octets left of the current frame (header included); 0 at a boundary.
    frame_left: usize,
    /// A partial header.
    header: Vec<u8>,
}

impl RawSocketFrames {
    fn handshake_left(&mut self) -> &mut usize {
        self.handshake_left.get_or_insert(4)
    }

    /// Follows `chunk` through the framing.
    fn advance(&mut self, chunk: &[u8]) {
        let _ = self.walk(chunk, false);
    }

    /// Where in `chunk` to cut so that a frame starting at or before it is half sent: the
    /// midpoint of the first frame whose payload starts in this chunk.
    fn middle_of_next_frame(&mut self, chunk: &[u8]) -> Option<usize> {
        self.walk(chunk, true)
    }

    fn walk(&mut self, chunk: &[u8], find: bool) -> Option<usize> {
        let mut i = 0;
        let skip = (*self.handshake_left()).min(chunk.len());
        *self.handshake_left() -= skip;
        i += skip;
        while i < chunk.len() {
            if self.frame_left > 0 {
                let take = self.frame_left.min(chunk.len() - i);
                if find && take >= 2 {
                    return Some(i + take / 2);
                }
                self.frame_left -= take;
                i += take;
                continue;
            }
            self.header.push(chunk[i]);
            i += 1;
            if self.header.len() == 4 {
                let len = (usize::from(self.header[1]) << 16)
                    | (usize::from(self.header[2]) << 8)
                    | usize::from(self.header[3]);
                self.header.clear();
                self.frame_left = len;
                if find && len >= 2 {
                    // Cut after the header and half the payload (or what this chunk holds).
                    let here = (chunk.len() - i).min(len);
                    return Some(i + here.max(1) / 2);
                }
            }
        }
        None
    }
}

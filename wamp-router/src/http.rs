//! The plain HTTP a WebSocket listener answers besides the upgrade: static files (one port
//! serves a browser app and its WAMP endpoint), `/metrics`, and refusals. The router reads the
//! request head itself; a WebSocket upgrade goes on to the WAMP handshake (the head is replayed
//! to it), any other `GET` or `HEAD` is answered from the metrics or the directory.
//!
//! Only files under the directory are served: a path with `..`, a backslash or a NUL is refused,
//! and symbolic links that leave the directory are not followed out of it (the resolved path
//! must stay inside). `/` and directories serve their `index.html`.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};

use crate::shared::Shared;

/// The longest request head read before giving up.
const MAX_HEAD: usize = 16 * 1024;

/// A stream whose first bytes were already read: they are read again first.
pub(crate) struct Replayed<S> {
    head: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Replayed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(rest) = this.head.get(this.at..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(buf.remaining());
            buf.put_slice(rest.get(..n).unwrap_or_default());
            this.at += n;
            if this.at == this.head.len() {
                this.head = Vec::new();
                this.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Replayed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// What a connection asked for.
pub(crate) enum Routed<S> {
    /// A WebSocket upgrade: the stream, its head to be read again.
    Upgrade(Replayed<S>),
    /// Anything else, answered already.
    Served,
}

/// What a listener serves over plain HTTP.
pub(crate) struct Site<'a> {
    /// The directory of static files.
    pub(crate) files: Option<&'a Path>,
    /// The metrics at `/metrics`, with the realms they read.
    pub(crate) metrics: Option<&'a Shared>,
    /// Whether the service explorer is served.
    pub(crate) explorer: bool,
}

/// The path the metrics are served at.
const METRICS_PATH: &str = "/metrics";

/// Reads the request head; serves the metrics, a file or an error status unless it is a
/// WebSocket upgrade.
pub(crate) async fn route<S>(mut stream: S, site: &Site<'_>) -> Routed<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Routed::Served,
            Ok(n) => head.extend_from_slice(chunk.get(..n).unwrap_or_default()),
        }
        if head.len() > MAX_HEAD {
            let _ = respond(&mut stream, "431 Request Header Fields Too Large", "", &[]).await;
            return Routed::Served;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let request = lines.next().unwrap_or_default();
    let upgrade = lines.any(|l| {
        l.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("upgrade")
                && value.trim().eq_ignore_ascii_case("websocket")
        })
    });
    if upgrade {
        return Routed::Upgrade(Replayed {
            head,
            at: 0,
            inner: stream,
        });
    }
    let mut parts = request.split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("/"),
    );
    if method != "GET" && method != "HEAD" {
        let _ = respond(&mut stream, "405 Method Not Allowed", "", &[]).await;
        return Routed::Served;
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let metrics = site
        .metrics
        .filter(|_| path == METRICS_PATH)
        .and_then(|shared| Some((shared.metrics.as_ref()?, shared)));
    if site.explorer && path == crate::explorer::PATH.trim_end_matches('/') {
        // The page's relative links need the slash; the query (the realm) stays.
        let location = match target.split_once('?') {
            Some((_, query)) => format!("{}?{query}", crate::explorer::PATH),
            None => crate::explorer::PATH.to_owned(),
        };
        let _ = redirect(&mut stream, &location).await;
        return Routed::Served;
    }
    let explorer = site.explorer.then(|| crate::explorer::file(path)).flatten();
    let found = match (metrics, site.files) {
        _ if explorer.is_some() => explorer.map(|(body, kind)| (body.to_vec(), kind)),
        (Some((metrics, shared)), _) => Some((
            metrics.encode(&shared.realms).into_bytes(),
            crate::metrics::CONTENT_TYPE,
        )),
        (None, Some(root)) => file(root, path).await,
        (None, None) => None,
    };
    match found {
        Some((body, kind)) => {
            let body = if method == "HEAD" { Vec::new() } else { body };
            let _ = respond(&mut stream, "200 OK", kind, &body).await;
        }
        None => {
            let _ = respond(&mut stream, "404 Not Found", "text/plain", b"not found").await;
        }
    }
    Routed::Served
}

/// The file a request path names under `root`, with its media type.
async fn file(root: &Path, path: &str) -> Option<(Vec<u8>, &'static str)> {
    let path = percent_decode(path)?;
    if path.contains("..") || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let mut full: PathBuf = root.join(path.trim_start_matches('/'));
    if tokio::fs::metadata(&full).await.ok()?.is_dir() {
        full.push("index.html");
    }
    let root = tokio::fs::canonicalize(root).await.ok()?;
    let full = tokio::fs::canonicalize(&full).await.ok()?;
    if !full.starts_with(&root) {
        return None;
    }
    let body = tokio::fs::read(&full).await.ok()?;
    Some((body, media_type(&full)))
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn media_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Answers a permanent redirect to `location` and closes the connection.
async fn redirect<S: AsyncWrite + Unpin>(stream: &mut S, location: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 308 Permanent Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Writes an HTTP reply (`kind` empty: no `Content-Type`) and closes the connection.
pub(crate) async fn respond<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    kind: &str,
    body: &[u8],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if !kind.is_empty() {
        head.push_str(&format!("Content-Type: {kind}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decode_and_media_types() {
        assert_eq!(percent_decode("/a%20b.html").as_deref(), Some("/a b.html"));
        assert_eq!(percent_decode("/%2e%2e/x").as_deref(), Some("/../x"));
        assert!(percent_decode("/%zz").is_none());
        assert_eq!(
            media_type(Path::new("app.js")),
            "text/javascript; charset=utf-8"
        );
    }
}

//! RawSocket frames as raw bytes, for the tests that play a bad peer: any frame type octet
//! (reserved ones included), written and read on a plain TCP stream.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A frame: the type octet, the 24-bit length, the payload.
pub fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).expect("a payload under 2^24 octets");
    let mut f = vec![kind];
    f.extend_from_slice(&len.to_be_bytes()[1..]);
    f.extend_from_slice(payload);
    f
}

/// Writes one frame.
pub async fn write_frame(stream: &mut TcpStream, kind: u8, payload: &[u8]) {
    stream
        .write_all(&frame(kind, payload))
        .await
        .expect("write a frame");
}

/// Reads one frame: its type octet and payload.
pub async fn read_frame(stream: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut header = [0u8; 4];
    stream.read_exact(&mut header).await?;
    let len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as usize;
    let mut payload = vec![0; len];
    stream.read_exact(&mut payload).await?;
    Ok((header[0], payload))
}

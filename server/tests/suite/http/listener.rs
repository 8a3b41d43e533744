//! What a slow or hostile client can hold of the server: half a header, a body that never ends,
//! more connections than the server serves at once.

use std::time::{Duration, Instant};

use bifrost::http::listener::ListenerLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::test_app::TestApp;
use crate::helpers::TestDb;

async fn spawn(limits: ListenerLimits) -> TestApp {
    TestApp::spawn_with(TestDb::sqlite().await, |_| {}, limits).await
}

async fn connect(app: &TestApp) -> TcpStream {
    let address = app.address.trim_start_matches("http://");
    TcpStream::connect(address).await.expect("connect")
}

/// Reads until the server closes the connection; what it sent, and when it closed.
async fn read_until_closed(stream: &mut TcpStream, give_up: Duration) -> Option<(String, Instant)> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    let deadline = Instant::now() + give_up;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => {
                return Some((
                    String::from_utf8_lossy(&received).into_owned(),
                    Instant::now(),
                ))
            }
            Ok(Ok(read)) => received.extend_from_slice(&buffer[..read]),
        }
    }
}

/// Slowloris, with the limits the server ships with: half a header, then silence.
#[tokio::test]
async fn a_connection_sending_half_a_header_is_closed_within_30_seconds() {
    let app = spawn(ListenerLimits::default()).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: bifrost\r\nX-Slow: ")
        .await
        .expect("half a header");
    let closed = read_until_closed(&mut stream, Duration::from_secs(35)).await;
    let Some((_, closed_at)) = closed else {
        panic!("the connection was still open after 35 s");
    };
    let held = closed_at.duration_since(started);
    assert!(held <= Duration::from_secs(30), "held for {held:?}");
    assert!(
        app.get("/healthz").await.status().is_success(),
        "others are served meanwhile"
    );
    app.finish().await;
}

/// A request whose body trickles in is answered 408 once its time is up.
#[tokio::test]
async fn a_request_whose_body_never_ends_gets_408() {
    let limits = ListenerLimits {
        request_timeout: Duration::from_secs(2),
        ..ListenerLimits::default()
    };
    let app = spawn(limits).await;
    let mut stream = connect(&app).await;
    let host = app.address.trim_start_matches("http://");
    let head = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a",
        app.address
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let Some((answer, _)) = read_until_closed(&mut stream, Duration::from_secs(10)).await else {
        panic!("no answer within 10 s");
    };
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    app.finish().await;
}

/// Beyond the cap a client waits: its request is answered only once a held connection closes.
#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let limits = ListenerLimits {
        max_connections: 2,
        ..ListenerLimits::default()
    };
    let app = spawn(limits).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = connect(&app).await;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .expect("write");
        held.push(stream);
    }
    // Let the server accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = reqwest::Client::new();
    let url = format!("{}/healthz", app.address);
    let waiting = client
        .get(&url)
        .timeout(Duration::from_secs(1))
        .send()
        .await;
    assert!(
        waiting.is_err(),
        "a third connection was served while two were held"
    );
    held.pop();
    let served = client
        .get(&url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("served once a connection closed");
    assert!(served.status().is_success());
    app.finish().await;
}

//! The connections of `okno serve`: at most `max_connections` at once (the rest wait in the
//! system's queue, so the process never runs out of sockets), a request's header whole
//! within `header_timeout` (also how long an idle kept-alive connection stays), and a body
//! cut off when it sends nothing for `body_timeout` or trickles slower than `MIN_BODY_RATE`.
//! A stalled client thus holds a connection for seconds, not for ever.

use super::error::Error;
use super::state::Config;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};
use tower_service::Service;

/// Past the first `body_timeout`, a body must average at least this (bytes a second): a
/// slow line (32 kbit/s) passes, a trickle meant to hold the connection does not.
const MIN_BODY_RATE: u64 = 4096;

#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    max_connections: usize,
    header_timeout: Duration,
    body_timeout: Duration,
}

impl Limits {
    pub(super) fn of(cfg: &Config) -> Limits {
        Limits {
            max_connections: cfg.max_connections.max(1),
            header_timeout: cfg.header_timeout,
            body_timeout: cfg.body_timeout,
        }
    }
}

/// Serves `app` on `listener` until Ctrl+C.
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
) -> Result<(), Error> {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        // A free slot first: past the limit, connections wait unaccepted.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(Error::Accept)?,
            _ = &mut stop => return Ok(()),
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of sockets or a connection reset before it was taken: not fatal.
                    eprintln!("okno serve: соединение не принято: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(|body| Body::new(Timed::new(body, limits.body_timeout)));
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().call(req)
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            // A connection's end, cut off or not, concerns only its client.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(slot);
        });
    }
}

/// Why a request body was cut off.
#[derive(Debug)]
pub(crate) struct BodyTooSlow;

impl std::fmt::Display for BodyTooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body stalled or came too slowly")
    }
}

impl std::error::Error for BodyTooSlow {}

/// The error, or one of its causes, is a body cut off by `Timed`.
pub(crate) fn too_slow(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut e = Some(e);
    while let Some(err) = e {
        if err.is::<BodyTooSlow>() {
            return true;
        }
        e = err.source();
    }
    false
}

/// A request body with a deadline: `idle` after the last bytes, and never later than
/// `idle` plus the time `MIN_BODY_RATE` allows for the bytes so far.
struct Timed {
    inner: Incoming,
    idle: Duration,
    started: Instant,
    received: u64,
    deadline: Pin<Box<Sleep>>,
    expired: bool,
}

impl Timed {
    fn new(inner: Incoming, idle: Duration) -> Timed {
        let started = Instant::now();
        Timed {
            inner,
            idle,
            started,
            received: 0,
            deadline: Box::pin(tokio::time::sleep_until(started + idle)),
            expired: false,
        }
    }
}

impl http_body::Body for Timed {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let now = Instant::now();
                    let earned =
                        Duration::from_secs_f64(this.received as f64 / MIN_BODY_RATE as f64);
                    let deadline = (now + this.idle).min(this.started + this.idle + earned);
                    this.deadline.as_mut().reset(deadline);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other.map(|r| r.map_err(Into::into))),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.expired = true;
                    Poll::Ready(Some(Err(Box::new(BodyTooSlow))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

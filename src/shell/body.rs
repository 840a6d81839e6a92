//! Streams an HTML body through the rewriter as it arrives.
//!
//! The runtime hands the body over in small (about 4 KiB) chunks and every chunk crossing
//! JS↔wasm costs, so output is coalesced into large chunks (`OUTPUT_CHUNK_BYTES`); when the
//! origin pauses, whatever is ready is flushed after `IDLE_FLUSH` so the first bytes never
//! wait for the end of the page.

use std::time::Duration;

use dni_rewrite::{RewriteStats, StreamRewriter};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{ByteStream, Delay, Error, Response, Result};

/// Size of the chunks sent to the client (see BENCHMARKS.md for the measurement).
pub const OUTPUT_CHUNK_BYTES: usize = 64 * 1024;

/// The output chunk size: `OUTPUT_CHUNK_BYTES`, or the `DNI_OUTPUT_CHUNK_BYTES` var
/// (4 KiB to 1 MiB; the benchmark's chunk-size experiment sets it).
pub fn output_chunk_bytes(env: &worker::Env) -> usize {
    env.var("DNI_OUTPUT_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.to_string().parse::<usize>().ok())
        .map(|n| n.clamp(4096, 1 << 20))
        .unwrap_or(OUTPUT_CHUNK_BYTES)
}
/// How long the origin may be silent before buffered output is flushed anyway.
const IDLE_FLUSH: Duration = Duration::from_millis(2);

/// Called once when the stream ends, with the rewriter's counts or what went wrong.
pub type OnEnd = Box<dyn FnOnce(std::result::Result<RewriteStats, String>)>;

struct State {
    body: ByteStream,
    rewriter: Option<StreamRewriter>,
    on_end: Option<OnEnd>,
}

impl State {
    fn finish(&mut self, outcome: std::result::Result<RewriteStats, String>) {
        self.rewriter = None;
        if let Some(f) = self.on_end.take() {
            f(outcome);
        }
    }
}

/// A response whose body is `body` rewritten by `rewriter`.
pub fn rewritten_response(
    body: ByteStream,
    rewriter: StreamRewriter,
    on_end: OnEnd,
) -> Result<Response> {
    let state = State {
        body,
        rewriter: Some(rewriter),
        on_end: Some(on_end),
    };
    let stream = futures_util::stream::unfold(state, |mut st| async move {
        loop {
            let rewriter = st.rewriter.as_mut()?;
            let item = if rewriter.has_pending_output() {
                match select(st.body.next(), Delay::from(IDLE_FLUSH)).await {
                    Either::Left((item, _)) => item,
                    Either::Right(((), _)) => {
                        if let Some(out) = rewriter.flush() {
                            return Some((Ok(out), st));
                        }
                        continue;
                    }
                }
            } else {
                st.body.next().await
            };
            match item {
                Some(Ok(chunk)) => match rewriter.write(&chunk) {
                    Ok(Some(out)) => return Some((Ok(out), st)),
                    Ok(None) => continue,
                    Err(e) => {
                        st.finish(Err(e.to_string()));
                        return Some((Err(Error::RustError(format!("rewriting failed: {e}"))), st));
                    }
                },
                Some(Err(e)) => {
                    st.finish(Err(format!("origin body: {e}")));
                    return Some((Err(e), st));
                }
                None => {
                    let rewriter = st.rewriter.take()?;
                    return match rewriter.end() {
                        Ok((out, stats)) => {
                            st.finish(Ok(stats));
                            if out.is_empty() {
                                None
                            } else {
                                Some((Ok(out), st))
                            }
                        }
                        Err(e) => {
                            st.finish(Err(e.to_string()));
                            Some((Err(Error::RustError(format!("rewriting failed: {e}"))), st))
                        }
                    };
                }
            }
        }
    });
    Response::from_stream(stream)
}

//! Streams an HTML body through the rewriter as it arrives.
//!
//! Every chunk crossing JS↔wasm costs. The default stream reader hands the body over in
//! about 4 KiB chunks; a BYOB ("bring your own buffer") reader fills up to `INPUT_READ_BYTES`
//! per read with whatever has arrived, into one reused buffer (see BENCHMARKS.md). Output is
//! coalesced into large chunks (`OUTPUT_CHUNK_BYTES`); output that has waited `IDLE_FLUSH`
//! for more input is flushed, so the first bytes never wait for the end of the page.

use std::time::Duration;

use dni_rewrite::{BodyRewriter, RewriteStats};
use futures_util::future::{select, Either};
use futures_util::io::AsyncReadExt;
use futures_util::StreamExt;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_streams::readable::IntoAsyncRead;
use worker::{ByteStream, Delay, Error, Response, Result};

/// Most bytes taken from the origin's body per read (BYOB reads return what has arrived).
const INPUT_READ_BYTES: usize = 64 * 1024;

/// The origin's body: read through a BYOB reader when it is a byte stream (fetch bodies
/// are), else chunk by chunk. After [`fill`](Body::fill), [`data`](Body::data) is the piece read.
pub struct Body {
    source: Source,
    buf: Vec<u8>,
    len: usize,
    /// Bytes read ahead (to sniff the type), handed out by the next [`fill`](Body::fill).
    read_ahead: Option<Vec<u8>>,
    /// [`data`](Body::data) is the bytes read ahead.
    replaying: bool,
    /// The source ended while reading ahead.
    ended: bool,
}

enum Source {
    Bytes(IntoAsyncRead<'static>),
    Chunks(ByteStream),
}

impl Body {
    pub fn new(stream: web_sys::ReadableStream) -> Body {
        let stream = wasm_streams::ReadableStream::from_raw(stream.unchecked_into());
        match stream.try_into_async_read() {
            Ok(reader) => Body::from_source(Source::Bytes(reader), vec![0; INPUT_READ_BYTES]),
            Err((_, stream)) => Body::from_source(
                Source::Chunks(ByteStream::from(stream.into_raw())),
                Vec::new(),
            ),
        }
    }

    fn from_source(source: Source, buf: Vec<u8>) -> Body {
        Body {
            source,
            buf,
            len: 0,
            read_ahead: None,
            replaying: false,
            ended: false,
        }
    }

    /// Reads ahead until `decided(bytes so far, whether the body ended)` says enough is
    /// known; returns those bytes, which the next reads hand out again.
    pub async fn read_ahead(&mut self, decided: impl Fn(&[u8], bool) -> bool) -> Result<&[u8]> {
        let mut head = Vec::new();
        loop {
            match self.fill().await {
                None => {
                    self.ended = true;
                    break;
                }
                Some(Err(e)) => return Err(e),
                Some(Ok(())) => head.extend_from_slice(self.data()),
            }
            if decided(&head, false) {
                break;
            }
        }
        self.replaying = false;
        Ok(self.read_ahead.insert(head))
    }

    /// Reads the next piece of the body; `None` at the end. Dropping the future before it
    /// completes loses nothing: the pending read stays with the reader.
    async fn fill(&mut self) -> Option<Result<()>> {
        if std::mem::take(&mut self.replaying) {
            self.read_ahead = None;
        }
        if self.read_ahead.as_ref().is_some_and(|h| !h.is_empty()) {
            self.replaying = true;
            return Some(Ok(()));
        }
        if self.ended {
            return None;
        }
        match &mut self.source {
            Source::Bytes(reader) => match reader.read(&mut self.buf).await {
                Ok(0) => None,
                Ok(n) => {
                    self.len = n;
                    Some(Ok(()))
                }
                Err(e) => Some(Err(Error::RustError(format!(
                    "reading the origin's body: {e}"
                )))),
            },
            Source::Chunks(stream) => match stream.next().await? {
                Ok(chunk) => {
                    self.len = chunk.len();
                    self.buf = chunk;
                    Some(Ok(()))
                }
                Err(e) => Some(Err(e)),
            },
        }
    }

    fn data(&self) -> &[u8] {
        match &self.read_ahead {
            Some(head) if self.replaying => head,
            _ => self.buf.get(..self.len).unwrap_or_default(),
        }
    }
}

/// Size of the chunks sent to the client (see BENCHMARKS.md for the measurement).
pub const OUTPUT_CHUNK_BYTES: usize = 64 * 1024;
/// The longest output waits for more input before it is flushed anyway.
const IDLE_FLUSH: Duration = Duration::from_millis(2);

/// The output chunk size: `OUTPUT_CHUNK_BYTES`, or the `DNI_OUTPUT_CHUNK_BYTES` var
/// (4 KiB to 1 MiB; the benchmark's chunk-size experiment sets it).
pub fn output_chunk_bytes(env: &worker::Env) -> usize {
    let var = env
        .var("DNI_OUTPUT_CHUNK_BYTES")
        .ok()
        .map(|v| v.to_string());
    var.and_then(|v| v.parse::<usize>().ok())
        .map_or(OUTPUT_CHUNK_BYTES, |n| n.clamp(4096, 1 << 20))
}

/// Called once when the stream ends, with the rewriter's counts or what went wrong.
pub type OnEnd = Box<dyn FnOnce(std::result::Result<RewriteStats, String>)>;

struct State {
    body: Body,
    rewriter: Option<BodyRewriter>,
    on_end: Option<OnEnd>,
    /// The flush deadline of the output waiting now: one timer per wait, not one per read.
    idle: Option<std::pin::Pin<Box<Delay>>>,
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
///
/// The output is written into a runtime-native `IdentityTransformStream` by a task kept alive
/// with `wait_until`, and the response carries its readable side: the runtime drains a native
/// stream more cheaply than a JS-backed one (see BENCHMARKS.md). Where that class does not
/// exist, the Rust stream is exposed as a JS `ReadableStream`.
pub fn rewritten_response(
    body: Body,
    rewriter: BodyRewriter,
    on_end: OnEnd,
    ctx: &worker::Context,
) -> Result<Response> {
    let stream = output_stream(body, rewriter, on_end);
    match native_pipe() {
        Some((readable, writer)) => {
            ctx.wait_until(pump(Box::pin(stream), writer));
            Response::from_body(worker::ResponseBody::Stream(readable))
        }
        None => Response::from_stream(stream),
    }
}

#[wasm_bindgen(module = "/src/shell/pump.js")]
extern "C" {
    /// Pumps `source` through `rewriter` into `writer` (see pump.js); resolves when done.
    #[wasm_bindgen(js_name = pumpBody)]
    fn pump_body(
        source: &web_sys::ReadableStream,
        writer: &web_sys::WritableStreamDefaultWriter,
        rewriter: BodyPump,
        idle_ms: u32,
    ) -> js_sys::Promise;
}

/// The rewriter as pump.js drives it: one call per ~64 KiB of input, output returned as bytes
/// (`undefined`: nothing to send yet). `on_end` is called once, when the body ended or
/// failed; a pump dropped before (the client went away) never calls it.
#[wasm_bindgen]
pub struct BodyPump {
    rewriter: Option<BodyRewriter>,
    on_end: Option<OnEnd>,
}

impl BodyPump {
    fn finish(&mut self, outcome: std::result::Result<RewriteStats, String>) {
        self.rewriter = None;
        if let Some(f) = self.on_end.take() {
            f(outcome);
        }
    }
}

#[wasm_bindgen]
impl BodyPump {
    /// Feeds `chunk`; returns the output ready to send. Throws if rewriting failed (reported
    /// to `on_end` first).
    pub fn write(&mut self, chunk: &[u8]) -> std::result::Result<Option<Vec<u8>>, JsValue> {
        let Some(rewriter) = self.rewriter.as_mut() else {
            return Err(JsValue::from_str("the rewriter has ended"));
        };
        match rewriter.write(chunk) {
            Ok(out) => Ok(out),
            Err(e) => {
                self.finish(Err(e.to_string()));
                Err(JsValue::from_str(&format!("rewriting failed: {e}")))
            }
        }
    }

    /// Whether output is waiting for more input.
    pub fn pending(&self) -> bool {
        self.rewriter
            .as_ref()
            .is_some_and(BodyRewriter::has_pending_output)
    }

    /// The output waiting, sent without more input (the origin went quiet).
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        self.rewriter.as_mut()?.flush()
    }

    /// The body ended: the rest of the output (`on_end` gets the counts).
    pub fn end(&mut self) -> std::result::Result<Option<Vec<u8>>, JsValue> {
        let Some(rewriter) = self.rewriter.take() else {
            return Err(JsValue::from_str("the rewriter has ended"));
        };
        match rewriter.end() {
            Ok((out, stats)) => {
                self.finish(Ok(stats));
                Ok((!out.is_empty()).then_some(out))
            }
            Err(e) => {
                self.finish(Err(e.to_string()));
                Err(JsValue::from_str(&format!("rewriting failed: {e}")))
            }
        }
    }

    /// Reading the origin's body failed with `why` (no-op if `on_end` was already called).
    pub fn fail(&mut self, why: &str) {
        self.finish(Err(format!("origin body: {why}")));
    }
}

/// A response whose body is the origin's `stream` rewritten by `rewriter`: pumped by
/// pump.js into a native `IdentityTransformStream` (the pump kept alive with `wait_until`).
/// Where that class does not exist, the Rust pump of [`rewritten_response`].
pub fn rewritten_stream_response(
    stream: web_sys::ReadableStream,
    rewriter: BodyRewriter,
    on_end: OnEnd,
    ctx: &worker::Context,
) -> Result<Response> {
    let Some((readable, writer)) = native_pipe() else {
        return rewritten_response(Body::new(stream), rewriter, on_end, ctx);
    };
    let pump = BodyPump {
        rewriter: Some(rewriter),
        on_end: Some(on_end),
    };
    let idle_ms = u32::try_from(IDLE_FLUSH.as_millis()).unwrap_or(u32::MAX);
    let done = pump_body(&stream, &writer, pump, idle_ms);
    ctx.wait_until(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    });
    Response::from_body(worker::ResponseBody::Stream(readable))
}

/// A response whose body is `body` as it is (after a read-ahead), through the same native
/// stream as a rewritten one.
pub fn untouched_response(body: Body, ctx: &worker::Context) -> Result<Response> {
    let stream = futures_util::stream::unfold(body, |mut body| async move {
        match body.fill().await? {
            Ok(()) => Some((Ok(body.data().to_vec()), body)),
            Err(e) => Some((Err(e), body)),
        }
    });
    match native_pipe() {
        Some((readable, writer)) => {
            ctx.wait_until(pump(Box::pin(stream), writer));
            Response::from_body(worker::ResponseBody::Stream(readable))
        }
        None => Response::from_stream(stream),
    }
}

/// `stream` decoded by the runtime's `DecompressionStream(format)` (`"deflate"`: zlib);
/// `None` if the runtime has none.
pub fn decompressed(
    stream: &web_sys::ReadableStream,
    format: &str,
) -> Option<web_sys::ReadableStream> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"DecompressionStream".into()).ok()?;
    let ctor: js_sys::Function = ctor.dyn_into().ok()?;
    let args = js_sys::Array::of1(&format.into());
    let decoder = js_sys::Reflect::construct(&ctor, &args).ok()?;
    let pipe: js_sys::Function = js_sys::Reflect::get(stream, &"pipeThrough".into())
        .ok()?
        .dyn_into()
        .ok()?;
    pipe.call1(stream, &decoder).ok()?.dyn_into().ok()
}

/// A runtime-native identity stream: (readable side, writer of the writable side).
fn native_pipe() -> Option<(
    web_sys::ReadableStream,
    web_sys::WritableStreamDefaultWriter,
)> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"IdentityTransformStream".into()).ok()?;
    let ctor: js_sys::Function = ctor.dyn_into().ok()?;
    let pipe = js_sys::Reflect::construct(&ctor, &js_sys::Array::new()).ok()?;
    let readable: web_sys::ReadableStream = js_sys::Reflect::get(&pipe, &"readable".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let writable: web_sys::WritableStream = js_sys::Reflect::get(&pipe, &"writable".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let writer = writable.get_writer().ok()?;
    Some((readable, writer))
}

/// Writes the rewritten chunks into the native stream (awaiting each write: backpressure),
/// then closes it; on an error, aborts it so the client sees a broken response, not a
/// complete-looking one.
async fn pump(
    mut stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Vec<u8>>>>>,
    writer: web_sys::WritableStreamDefaultWriter,
) {
    use wasm_bindgen_futures::JsFuture;
    while let Some(item) = stream.next().await {
        match item {
            Ok(bytes) => {
                let chunk = js_sys::Uint8Array::from(bytes.as_slice());
                if JsFuture::from(writer.write_with_chunk(&chunk))
                    .await
                    .is_err()
                {
                    return; // the client went away
                }
            }
            Err(e) => {
                let _ = JsFuture::from(writer.abort_with_reason(&e.to_string().into())).await;
                return;
            }
        }
    }
    let _ = JsFuture::from(writer.close()).await;
}

/// What the next step of the output stream produced.
enum Step {
    /// Input was fed to the rewriter (maybe producing nothing yet).
    Fed(Option<Vec<u8>>),
    /// The origin went quiet: whatever was ready (if anything).
    Idle(Option<Vec<u8>>),
    /// The body ended: the rest of the output.
    End(Vec<u8>),
    Failed(Error),
}

impl State {
    /// Reads the next piece of input (racing the flush deadline when output is waiting) and
    /// feeds it to the rewriter. Output never waits more than `IDLE_FLUSH` for more input:
    /// the deadline is set when output starts waiting and kept across reads (a timer per
    /// read cost a `setTimeout`, a `clearTimeout` and a closure each).
    async fn step(&mut self) -> Option<Step> {
        if !self.rewriter.as_ref()?.has_pending_output() {
            self.idle = None;
        }
        let read = match self.idle.as_mut() {
            None if !self.rewriter.as_ref()?.has_pending_output() => self.body.fill().await,
            idle => {
                let deadline = match idle {
                    Some(d) => d,
                    None => self.idle.insert(Box::pin(Delay::from(IDLE_FLUSH))),
                };
                // The read's borrow of the body ends with this statement (a pending read
                // stays with the reader).
                match select(Box::pin(self.body.fill()), deadline.as_mut()).await {
                    Either::Left((item, _)) => item,
                    Either::Right(_) => {
                        self.idle = None;
                        return Some(Step::Idle(self.rewriter.as_mut()?.flush()));
                    }
                }
            }
        };
        Some(match read {
            Some(Ok(())) => match self.rewriter.as_mut()?.write(self.body.data()) {
                Ok(out) => Step::Fed(out),
                Err(e) => {
                    self.finish(Err(e.to_string()));
                    Step::Failed(Error::RustError(format!("rewriting failed: {e}")))
                }
            },
            Some(Err(e)) => {
                self.finish(Err(format!("origin body: {e}")));
                Step::Failed(e)
            }
            None => match self.rewriter.take()?.end() {
                Ok((out, stats)) => {
                    self.finish(Ok(stats));
                    Step::End(out)
                }
                Err(e) => {
                    self.finish(Err(e.to_string()));
                    Step::Failed(Error::RustError(format!("rewriting failed: {e}")))
                }
            },
        })
    }
}

fn output_stream(
    body: Body,
    rewriter: BodyRewriter,
    on_end: OnEnd,
) -> impl futures_util::Stream<Item = Result<Vec<u8>>> + 'static {
    let state = State {
        body,
        rewriter: Some(rewriter),
        on_end: Some(on_end),
        idle: None,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            match st.step().await? {
                Step::Fed(Some(out)) | Step::Idle(Some(out)) => return Some((Ok(out), st)),
                Step::Fed(None) | Step::Idle(None) => continue,
                Step::End(out) if out.is_empty() => return None,
                Step::End(out) => return Some((Ok(out), st)),
                Step::Failed(e) => return Some((Err(e), st)),
            }
        }
    })
}

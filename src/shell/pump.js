// The body pump of a rewritten page (src/shell/body.rs, `BodyPump`): reads the origin's body,
// hands it to the wasm rewriter in pieces of about STAGE_BYTES and writes its output into the
// runtime's native stream. It runs in JS so that a chunk costs only the stream's own promises:
// driven from Rust, every read, write and timer also cost a wasm-bindgen future, two closures
// registered for finalisation and a microtask hop (BENCHMARKS.md, "Issue 16 speed, night").
//
// The rules are those of the Rust pump it replaces (`output_stream`/`pump` in body.rs, still
// used for bodies read ahead to sniff their type):
// - a BYOB reader fills up to READ_BYTES per read with whatever has arrived, into one reused
//   buffer; a stream without BYOB support is read chunk by chunk;
// - input is gathered in JS until STAGE_BYTES have arrived and then handed to the rewriter in
//   one call: each call into the wasm between two reads costs far more in workerd than the
//   same work done in fewer calls (an origin sending 16 KiB pieces: 45 calls per 700 KB page
//   instead of 11, about 2 ms of CPU per view; BENCHMARKS.md, "Issue 16, 2026-11-28 (gap)");
// - input and output waiting for more input are handed on after `idleMs`: the deadline is set
//   when something starts waiting and kept across reads (one timer per wait), so nothing
//   waits longer than that for more input;
// - every write is awaited (backpressure); a write that fails means the client went away:
//   the pump stops without a word (the rewriter is dropped, no log line, as before);
// - a failed read or rewrite aborts the stream, so the client sees a broken response, not a
//   complete-looking one; `rewriter.fail` reports it first.
const READ_BYTES = 64 * 1024;
const STAGE_BYTES = 64 * 1024;
const IDLE = Symbol('idle');

export async function pumpBody(source, writer, rewriter, idleMs) {
  let reader;
  let view = null;
  let deadline = null;
  let timer;
  // Input gathered for the next call into the rewriter: `stage[0..staged]`.
  let stage = new Uint8Array(STAGE_BYTES + READ_BYTES);
  let staged = 0;
  const stopTimer = () => {
    if (deadline !== null) {
      clearTimeout(timer);
      deadline = null;
    }
  };
  // Writes `bytes`; false if the client went away (the origin's body is then cancelled).
  const send = async (bytes) => {
    try {
      await writer.write(bytes);
      return true;
    } catch {
      reader.cancel().catch(() => {});
      return false;
    }
  };
  // Hands the gathered input to the rewriter; sends what it returns. False: client gone.
  const feed = async () => {
    if (staged === 0) return true;
    const out = rewriter.write(stage.subarray(0, staged));
    staged = 0;
    return out === undefined || send(out);
  };
  try {
    try {
      reader = source.getReader({ mode: 'byob' });
      view = new Uint8Array(READ_BYTES);
    } catch {
      reader = source.getReader();
    }
    for (;;) {
      const waiting = staged > 0 || rewriter.pending();
      if (!waiting) stopTimer();
      const next = view === null ? reader.read() : reader.read(view);
      let read;
      if (waiting) {
        deadline ??= new Promise((resolve) => {
          timer = setTimeout(resolve, idleMs, IDLE);
        });
        read = await Promise.race([next, deadline]);
        if (read === IDLE) {
          deadline = null;
          if (!(await feed())) return;
          const out = rewriter.flush();
          if (out !== undefined && !(await send(out))) return;
          read = await next;
        }
      } else {
        read = await next;
      }
      if (read.done) break;
      // Gathered (copied: a BYOB buffer is reused); the rewriter is fed when enough is in.
      const chunk = read.value;
      if (staged + chunk.length > stage.length) {
        if (!(await feed())) return;
        if (chunk.length > stage.length) stage = new Uint8Array(chunk.length);
      }
      stage.set(chunk, staged);
      staged += chunk.length;
      // The buffer came back (transferred): the next read fills it again.
      if (view !== null) view = new Uint8Array(chunk.buffer);
      if (staged >= STAGE_BYTES && !(await feed())) return;
    }
    stopTimer();
    if (!(await feed())) return;
    const tail = rewriter.end();
    if (tail !== undefined && !(await send(tail))) return;
    try {
      await writer.close();
    } catch {
      // the client went away
    }
  } catch (e) {
    stopTimer();
    rewriter.fail(String(e?.message ?? e));
    try {
      await writer.abort(e);
    } catch {
      // already errored
    }
    try {
      reader?.cancel(e).catch(() => {});
    } catch {
      // released or errored
    }
  } finally {
    rewriter.free();
  }
}

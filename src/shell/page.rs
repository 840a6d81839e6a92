//! A page request through the pipeline: facts → consent → numbers (pool calls) → upstream
//! fetch → response plan → headers written, body streamed (rewritten or untouched). Every
//! decision is `crate::*`'s; this file performs the I/O between them.

use std::rc::Rc;

use dni_common::Category;
use dni_consent::Decision;
use dni_numbers::E164;
use dni_rewrite::{BodyRewriter, DataPlan, DataRewriter, StreamRewriter, UnsupportedEncoding};
use worker::{console_error, console_log, Context, Env, Headers, Response, ResponseBody};

use super::pool_client::DoPools;
use super::{body, headers, now_ms, upstream, OrHttp};
use crate::error::HttpError;
use crate::observe::LogLine;
use crate::request::{Method, RequestFacts};
use crate::response::{
    needs_sniffing, plan_response, refetch_uncoded, rewrite_plan, sniff, BodyCoding, HeaderEdit,
    OriginHeaders, ResponsePlan, Sniffed, REWRITTEN_BODY_DROPS, SNIFFED_HTML, SNIFF_BYTES,
};
use crate::runtime::{Runtime, Site};
use crate::session::{numbers_for, Numbers, SessionInputs};
use crate::upstream::{plan_upstream, UpstreamPlan};

thread_local! {
    /// `DNI_SECRET` as last read, and whether it is usable: checked once per isolate.
    static SECRET: std::cell::RefCell<Option<(String, Option<Vec<u8>>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The site's signing secret, if configured and strong enough (its strength is checked
/// once per isolate, again only if the value changes).
pub fn secret(env: &Env) -> Option<Vec<u8>> {
    let value = env.secret("DNI_SECRET").ok()?.to_string();
    SECRET.with(|cell| {
        let mut cached = cell.borrow_mut();
        match cached.as_ref() {
            Some((seen, usable)) if *seen == value => usable.clone(),
            _ => {
                let usable = crate::config::secrets::usable_session_secret(value.clone());
                *cached = Some((value, usable.clone()));
                usable
            }
        }
    })
}

/// 16 random bytes from the runtime's CSPRNG (`crypto.getRandomValues`); `None` if it fails.
pub fn random_id() -> Option<[u8; 16]> {
    let mut id = [0u8; 16];
    getrandom::getrandom(&mut id).ok()?;
    Some(id)
}

/// A request's log line and when the request started.
struct Log {
    line: LogLine,
    started_ms: i64,
}

impl Log {
    fn elapsed(&self) -> u32 {
        u32::try_from(now_ms().saturating_sub(self.started_ms)).unwrap_or(u32::MAX)
    }

    fn emit(mut self) {
        self.line.ms_total = self.elapsed();
        console_log!("{}", self.line.to_json());
    }
}

/// The origin's response, its headers copied (without `Set-Cookie`) and the plan for it.
struct Planned {
    body: OriginBody,
    headers: Headers,
    status: u16,
    content_type: Option<String>,
    plan: ResponsePlan,
    /// The origin sent no usable type and the body sniffed as HTML.
    sniffed_html: bool,
    /// How the body is encoded.
    coding: BodyCoding,
}

/// The origin's body: as the runtime holds it, or partly read ahead (to sniff its type).
enum OriginBody {
    Runtime(ResponseBody),
    ReadAhead(body::Body),
}

/// Plans the response to `origin`. A body without a usable `Content-Type` is first sniffed
/// as a browser would (see [`crate::response::sniff`]): one that renders as a page is
/// judged as one, and sent with `Content-Type: text/html`.
async fn plan_origin(
    site: &Site,
    facts: &RequestFacts,
    decision: &Decision,
    numbers: &Numbers,
    origin: Response,
) -> Result<Planned, HttpError> {
    let status = origin.status_code();
    let (headers, set_cookies) = headers::copy_without_set_cookie(origin.headers())?;
    let mut read = OriginHeaders::from_entries(headers.entries());
    let (_, origin_body) = origin.into_parts();
    let mut body = OriginBody::Runtime(origin_body);
    let mut sniffed_html = false;
    if let OriginBody::Runtime(ResponseBody::Stream(stream)) = &body {
        if needs_sniffing(facts.method, status, &read) {
            let mut ahead = body::Body::new(stream.clone());
            let head = ahead
                .read_ahead(|head, ended| sniff(head, ended) != Sniffed::NeedMore)
                .await
                .map_err(|e| HttpError::Upstream(format!("origin body: {e}")))?;
            sniffed_html = sniff(head, head.len() < SNIFF_BYTES) == Sniffed::Html;
            if sniffed_html {
                read.content_type = Some(SNIFFED_HTML.to_string());
                headers.set("content-type", SNIFFED_HTML).or_internal()?;
            }
            body = OriginBody::ReadAhead(ahead);
        }
    }
    let head = read.head(status, &set_cookies);
    let plan = plan_response(site, facts, decision, numbers, &head);
    Ok(Planned {
        body,
        headers,
        status,
        coding: read.body_coding(),
        content_type: read.content_type,
        plan,
        sniffed_html,
    })
}

pub async fn handle(
    runtime: Rc<Runtime>,
    site_index: usize,
    req: worker::Request,
    env: &Env,
    ctx: &Context,
) -> Result<Response, HttpError> {
    let site = runtime
        .site(site_index)
        .ok_or_else(|| HttpError::Internal("site index out of range".into()))?;
    let facts = headers::facts(&req);
    let decision = facts.decide(site);
    let declined = decision.declined();
    let mut log = Log {
        line: LogLine::new(&site.name, &facts.url, &decision),
        started_ms: facts.now_ms,
    };
    let upstream_plan = plan_upstream(site, &facts, &declined);
    log.line.cookies_withheld = upstream_plan.cookies_withheld;
    let numbers = visitor_numbers(site, &facts, &decision, env).await;
    log.line.swap = numbers.outcome;
    log.line.note = numbers.note.map(str::to_string);
    // A GET or HEAD is kept to be asked again if the answer's coding cannot be read.
    let again = matches!(facts.method, Method::Get | Method::Head)
        .then(|| req.clone().ok())
        .flatten();
    let origin = upstream::fetch(env, &site.config.upstream, req, &upstream_plan).await?;
    let mut planned = plan_origin(site, &facts, &decision, &numbers, origin).await?;
    if let Some(req) =
        again.filter(|_| refetch_uncoded(facts.method, planned.plan.rewrite, planned.coding))
    {
        // Asked again for the body without coding (`refetch_uncoded`); if that one cannot
        // be read either, it goes out as sent (below).
        if let OriginBody::Runtime(ResponseBody::Stream(stream)) = &planned.body {
            drop(stream.cancel());
        }
        let identity = UpstreamPlan {
            identity_encoding: true,
            ..upstream_plan.clone()
        };
        let origin = upstream::fetch(env, &site.config.upstream, req, &identity).await?;
        planned = plan_origin(site, &facts, &decision, &numbers, origin).await?;
        log.line.note = Some("asked the origin again with Accept-Encoding: identity".into());
    }
    let plan = &planned.plan;
    apply_headers(&planned.headers, plan)?;
    plan.log_into(planned.status, &mut log.line);
    log.line.content_type_sniffed = planned.sniffed_html;
    if plan.counts_view {
        super::stats_client::record(env, ctx, site, &log.line, decision.swap);
    }
    // A body in a coding nothing here decodes (`zstd`, stacked codings) goes out as sent:
    // rewritten as text it would reach the client corrupted.
    let readable = planned.coding != BodyCoding::Unreadable;
    if plan.rewrite && !readable {
        log.line.note = Some("not rewritten: a Content-Encoding the worker cannot decode".into());
    }
    let rewriter = (plan.rewrite && readable).then(|| {
        let page = (declined, planned.plan.clone());
        body_rewriter(site, &facts, numbers.swaps, page, planned.content_type, env)
    });
    let mut origin_body = planned.body;
    if rewriter.is_some() && planned.coding == BodyCoding::Deflate {
        // The runtime decodes gzip and br itself; a deflate body is decoded here, and goes
        // out decoded.
        if let OriginBody::Runtime(ResponseBody::Stream(stream)) = &origin_body {
            if let Some(decoded) = body::decompressed(stream, "deflate") {
                planned.headers.delete("content-encoding").or_internal()?;
                origin_body = OriginBody::Runtime(ResponseBody::Stream(decoded));
            }
        }
    }
    let outgoing = Outgoing {
        headers: planned.headers,
        status: planned.status,
        log,
    };
    let stats = (site.name.clone(), site.stats_pool.clone());
    match (origin_body, rewriter) {
        (OriginBody::Runtime(ResponseBody::Stream(stream)), Some(rewriter)) => {
            rewritten(rewriter, Input::Stream(stream), outgoing, stats, ctx)
        }
        (OriginBody::ReadAhead(body), Some(rewriter)) => {
            rewritten(rewriter, Input::ReadAhead(body), outgoing, stats, ctx)
        }
        (OriginBody::ReadAhead(body), None) => outgoing.untouched_body(body, ctx),
        (OriginBody::Runtime(body), _) => outgoing.untouched(body),
    }
}

/// The rewriter of a response body: a data response's ([`DataRewriter`]) or a page's.
fn body_rewriter(
    site: &Site,
    facts: &RequestFacts,
    swaps: Vec<(E164, E164)>,
    page: (Vec<Category>, ResponsePlan),
    content_type: Option<String>,
    env: &Env,
) -> Result<BodyRewriter, UnsupportedEncoding> {
    let chunk = body::output_chunk_bytes(env);
    let (declined, plan) = page;
    if let Some(framework) = plan.data {
        let plan = DataPlan::from_config(&site.config.rewrite);
        let rewriter = DataRewriter::new(&swaps, plan, framework, chunk);
        return Ok(BodyRewriter::Data(Box::new(rewriter)));
    }
    let path = crate::observe::path_only(&facts.url);
    let inserted = (plan.consent_mode, plan.hydration_guard);
    let plan = rewrite_plan(site, swaps, &declined, inserted, &path);
    let content_type = content_type.unwrap_or_default();
    StreamRewriter::new(plan, &content_type, chunk).map(|r| BodyRewriter::Html(Box::new(r)))
}

/// The numbers this visitor sees (may lease from a pool on a first consented view).
async fn visitor_numbers(
    site: &Site,
    facts: &RequestFacts,
    decision: &Decision,
    env: &Env,
) -> Numbers {
    let secret = secret(env);
    let pools = DoPools::new(env, site.config.session.pool_timeout_ms);
    let inputs = SessionInputs::page(site, facts, decision, secret.as_deref());
    let numbers = numbers_for(inputs, random_id, &pools).await;
    for fault in &numbers.faults {
        console_error!("consent-dni: {fault}");
    }
    numbers
}

/// Writes the plan's header changes (cookies, `Vary`, `Cache-Control`, CSP).
fn apply_headers(out: &Headers, plan: &ResponsePlan) -> Result<(), HttpError> {
    for edit in plan.header_edits() {
        match edit {
            HeaderEdit::Append(name, value) => out.append(name, &value),
            HeaderEdit::Set(name, value) => out.set(name, &value),
            HeaderEdit::Delete(name) => out.delete(name),
        }
        .or_internal()?;
    }
    Ok(())
}

/// The response as it goes out: headers, status, and the log line to emit.
struct Outgoing {
    headers: Headers,
    status: u16,
    log: Log,
}

impl Outgoing {
    /// The body as the origin sent it.
    fn untouched(mut self, body: ResponseBody) -> Result<Response, HttpError> {
        self.log.line.ms_to_headers = self.log.elapsed();
        self.log.emit();
        Ok(Response::from_body(body)
            .or_internal()?
            .with_headers(self.headers)
            .with_status(self.status))
    }

    /// The body as the origin sent it, after a read-ahead.
    fn untouched_body(mut self, body: body::Body, ctx: &Context) -> Result<Response, HttpError> {
        self.log.line.ms_to_headers = self.log.elapsed();
        self.log.emit();
        Ok(body::untouched_response(body, ctx)
            .or_internal()?
            .with_headers(self.headers)
            .with_status(self.status))
    }
}

/// The body to rewrite: the origin's stream as the runtime holds it (pumped by pump.js), or
/// partly read ahead to sniff its type (pumped in Rust, which replays the bytes read).
enum Input {
    Stream(web_sys::ReadableStream),
    ReadAhead(body::Body),
}

/// Streams the body through the rewriter (a page's or a data response's); the log line is
/// emitted when it ends. A bail-out of the rewriter and a page whose payloads could not all
/// be read are also counted in the site's daily counters (`rewriter.bailed_out`,
/// `payloads.unrecognised`), with `stats`: the site's name and stats object.
fn rewritten(
    rewriter: Result<BodyRewriter, UnsupportedEncoding>,
    input: Input,
    mut out: Outgoing,
    stats: (String, crate::pool::PoolRef),
    ctx: &Context,
) -> Result<Response, HttpError> {
    let rewriter = match rewriter {
        Ok(r) => r,
        Err(e) => {
            out.log.line.note = Some(format!("not rewritten: {e}"));
            return match input {
                Input::Stream(stream) => out.untouched(ResponseBody::Stream(stream)),
                Input::ReadAhead(body) => out.untouched_body(body, ctx),
            };
        }
    };
    for name in REWRITTEN_BODY_DROPS {
        out.headers.delete(name).or_internal()?;
    }
    let mut log = out.log;
    log.line.rewritten = true;
    log.line.ms_to_headers = log.elapsed();
    let on_end: body::OnEnd = Box::new(move |outcome| {
        if let Ok(s) = &outcome {
            let mut counters = Vec::new();
            if s.bailed_out {
                counters.push(("rewriter.bailed_out".to_string(), 1));
            }
            if s.payloads_unrecognised > 0 {
                counters.push(("payloads.unrecognised".to_string(), 1));
            }
            if !counters.is_empty() {
                super::stats_client::add(&stats.0, &stats.1, counters);
            }
        }
        log.line.rewrite_finished(outcome);
        log.emit();
    });
    let response = match input {
        Input::Stream(stream) => body::rewritten_stream_response(stream, rewriter, on_end, ctx),
        Input::ReadAhead(body) => body::rewritten_response(body, rewriter, on_end, ctx),
    };
    Ok(response
        .or_internal()?
        .with_headers(out.headers)
        .with_status(out.status))
}

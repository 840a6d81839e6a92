//! A page request through the pipeline: facts → consent → numbers (pool calls) → upstream
//! fetch → response plan → headers written, body streamed (rewritten or untouched). Every
//! decision is `crate::*`'s; this file performs the I/O between them.

use std::rc::Rc;

use dni_consent::Decision;
use dni_rewrite::StreamRewriter;
use worker::{console_error, console_log, Context, Env, Headers, Response, ResponseBody};

use super::pool_client::DoPools;
use super::{body, headers, now_ms, upstream, OrHttp};
use crate::error::HttpError;
use crate::observe::{counters_for, LogLine};
use crate::request::RequestFacts;
use crate::response::{
    plan_response, rewrite_plan, OriginHead, ResponsePlan, REWRITTEN_BODY_DROPS,
};
use crate::runtime::{Runtime, Site};
use crate::session::{numbers_for, run_background, Numbers, PoolCall, SessionInputs};
use crate::upstream::plan_upstream;

/// The site's signing secret, if configured and long enough.
pub fn secret(env: &Env) -> Option<Vec<u8>> {
    let s = env.secret("DNI_SECRET").ok()?.to_string();
    (s.len() >= dni_sessions::MIN_SECRET_LEN).then(|| s.into_bytes())
}

/// 16 random bytes from the runtime's CSPRNG (`crypto.getRandomValues`); `None` if it fails.
pub fn random_id() -> Option<[u8; 16]> {
    let mut id = [0u8; 16];
    getrandom::getrandom(&mut id).ok()?;
    Some(id)
}

/// Runs the background pool calls (renewals) after the response.
pub fn spawn_background(ctx: &Context, pools: &DoPools, calls: Vec<PoolCall>, now: i64) {
    if calls.is_empty() {
        return;
    }
    let pools = pools.clone();
    ctx.wait_until(async move {
        for e in run_background(calls, now, &pools).await {
            console_error!("consent-dni: {e}");
        }
    });
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
    response: Response,
    headers: Headers,
    status: u16,
    content_type: Option<String>,
    plan: ResponsePlan,
}

/// Plans the response to `origin`.
fn plan_origin(
    site: &Site,
    facts: &RequestFacts,
    decision: &Decision,
    numbers: &Numbers,
    origin: Response,
) -> Result<Planned, HttpError> {
    let status = origin.status_code();
    let (headers, set_cookies) = headers::copy_without_set_cookie(origin.headers())?;
    let get = |name: &str| headers.get(name).ok().flatten();
    let (content_type, vary, cache_control) =
        (get("content-type"), get("vary"), get("cache-control"));
    let csp: Vec<(String, String)> = headers
        .entries()
        .filter(|(n, _)| {
            n.to_ascii_lowercase()
                .starts_with("content-security-policy")
        })
        .collect();
    let head = OriginHead {
        status,
        content_type: content_type.as_deref(),
        set_cookies: &set_cookies,
        vary: vary.as_deref(),
        cache_control: cache_control.as_deref(),
        csp: &csp,
    };
    let plan = plan_response(site, facts, decision, numbers, &head);
    Ok(Planned {
        response: origin,
        headers,
        status,
        content_type,
        plan,
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
    let numbers = visitor_numbers(site, &facts, &decision, env, ctx).await;
    log.line.swap = numbers.outcome;
    let origin = upstream::fetch(env, &site.config.upstream, req, &upstream_plan).await?;
    let planned = plan_origin(site, &facts, &decision, &numbers, origin)?;
    let plan = &planned.plan;
    apply_headers(&planned.headers, plan)?;
    plan.log_into(planned.status, &mut log.line);
    if plan.counts_view {
        super::stats_client::record(env, ctx, site, counters_for(&log.line, decision.swap));
    }
    let rewrite = plan.rewrite;
    let consent_mode = planned.plan.consent_mode.clone();
    let (_, body) = planned.response.into_parts();
    let outgoing = Outgoing {
        headers: planned.headers,
        status: planned.status,
        log,
    };
    match body {
        ResponseBody::Stream(stream) if rewrite => {
            let path = crate::observe::path_only(&facts.url);
            let rewrite = rewrite_plan(site, numbers.swaps, &declined, consent_mode, &path);
            let stats = (site.name.clone(), site.stats_pool.clone());
            rewritten(
                rewrite,
                stream,
                planned.content_type,
                outgoing,
                stats,
                env,
                ctx,
            )
        }
        body => outgoing.untouched(body),
    }
}

/// The numbers this visitor sees (may lease from a pool on a first consented view).
async fn visitor_numbers(
    site: &Site,
    facts: &RequestFacts,
    decision: &Decision,
    env: &Env,
    ctx: &Context,
) -> Numbers {
    let crawler =
        dni_rewrite::is_crawler(&facts.user_agent, &site.config.rewrite.crawler_user_agents);
    let secret = secret(env);
    let pools = DoPools { env: env.clone() };
    let inputs = SessionInputs {
        site,
        facts,
        swap_allowed: decision.swap,
        crawler,
        secret: secret.as_deref(),
        navigation: facts.navigation,
        amp: false,
    };
    let mut numbers = numbers_for(inputs, random_id, &pools).await;
    if let Some(note) = numbers.note {
        console_error!("consent-dni: {note}");
    }
    for fault in &numbers.faults {
        console_error!("consent-dni: {fault}");
    }
    spawn_background(
        ctx,
        &pools,
        std::mem::take(&mut numbers.background),
        facts.now_ms,
    );
    numbers
}

/// Writes the plan's cookies, `Vary` and `Cache-Control` into the response headers.
fn apply_headers(out: &Headers, plan: &ResponsePlan) -> Result<(), HttpError> {
    for c in &plan.set_cookies {
        out.append("set-cookie", c).or_internal()?;
    }
    if let Some(vary) = &plan.vary {
        out.set("vary", vary).or_internal()?;
    }
    if let Some(cc) = &plan.cache_control {
        out.set("cache-control", cc).or_internal()?;
    }
    if let Some(csp) = &plan.csp_headers {
        for name in [
            "content-security-policy",
            "content-security-policy-report-only",
        ] {
            out.delete(name).or_internal()?;
        }
        for (name, value) in csp {
            out.append(name, value).or_internal()?;
        }
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
}

/// Streams the body through the rewriter; the log line is emitted when it ends.
/// A bail-out of the rewriter is also counted in the site's daily counters
/// (`rewriter.bailed_out`), with `stats`: the site's name and stats object.
fn rewritten(
    plan: dni_rewrite::RewritePlan,
    stream: web_sys::ReadableStream,
    content_type: Option<String>,
    mut out: Outgoing,
    stats: (String, crate::pool::PoolRef),
    env: &Env,
    ctx: &Context,
) -> Result<Response, HttpError> {
    let content_type = content_type.unwrap_or_default();
    let rewriter = match StreamRewriter::new(plan, &content_type, body::output_chunk_bytes(env)) {
        Ok(r) => r,
        Err(e) => {
            out.log.line.note = Some(format!("not rewritten: {e}"));
            return out.untouched(ResponseBody::Stream(stream));
        }
    };
    for name in REWRITTEN_BODY_DROPS {
        out.headers.delete(name).or_internal()?;
    }
    let mut log = out.log;
    log.line.rewritten = true;
    log.line.ms_to_headers = log.elapsed();
    let on_end: body::OnEnd = Box::new(move |outcome| {
        if outcome.as_ref().is_ok_and(|s| s.bailed_out) {
            super::stats_client::add(
                &stats.0,
                &stats.1,
                vec![("rewriter.bailed_out".to_string(), 1)],
            );
        }
        log.line.rewrite_finished(outcome);
        log.emit();
    });
    Ok(
        body::rewritten_response(body::Body::new(stream), rewriter, on_end, ctx)
            .or_internal()?
            .with_headers(out.headers)
            .with_status(out.status),
    )
}

//! A page request: consent decision, numbers for this visitor, the upstream fetch with
//! declined cookies removed, and the response with cookies filtered and HTML rewritten.

use std::rc::Rc;

use dni_common::Category;
use dni_consent::{ConsentRequest, Decision};
use dni_rewrite::{RewritePlan, ScriptPolicy, StreamRewriter};
use worker::{Context, Date, Env, Headers, Method, Request, Response, ResponseBody, Result};

use super::request_log::RequestLog;
use super::{body, headers, upstream, visit};
use crate::runtime::Runtime;

/// What the request looks like, read once.
pub struct Facts {
    pub method: Method,
    pub url: String,
    pub cookie: Option<String>,
    pub user_agent: String,
    pub referer: Option<String>,
    pub country: Option<String>,
    /// `request.cf.regionCode` (ISO 3166-2 subdivision, e.g. `CA`).
    pub region: Option<String>,
    pub now_ms: i64,
    /// A top-level HTML navigation (where a session may be created).
    pub navigation: bool,
    /// An AMP request (`/__dni/number`): its session cookie lives 30 days.
    pub amp: bool,
}

impl Facts {
    pub fn read(req: &Request) -> Facts {
        let method = req.method();
        let dest = headers::get(req, "sec-fetch-dest");
        let accept = headers::get(req, "accept").unwrap_or_default();
        let navigation = method == Method::Get
            && match dest.as_deref() {
                Some(d) => d == "document",
                // Clients without Fetch Metadata (curl, older browsers): an Accept that
                // asks for HTML, or none at all.
                None => accept.is_empty() || accept.contains("text/html") || accept.contains("*/*"),
            };
        Facts {
            method,
            url: req.url().map(|u| u.to_string()).unwrap_or_default(),
            cookie: headers::get(req, "cookie"),
            user_agent: headers::get(req, "user-agent").unwrap_or_default(),
            referer: headers::get(req, "referer"),
            country: req.cf().and_then(|cf| cf.country()),
            region: req.cf().and_then(|cf| cf.region_code()),
            now_ms: Date::now().as_millis() as i64,
            navigation,
            amp: false,
        }
    }

    pub fn decide(&self, runtime: &Runtime, site_index: usize, sec_gpc: Option<&str>) -> Decision {
        let site = &runtime.sites[site_index];
        dni_consent::decide(
            &site.config.consent,
            &ConsentRequest {
                cookie_header: self.cookie.as_deref(),
                sec_gpc,
                country: self.country.as_deref(),
                region: self.region.as_deref(),
                now_ms: self.now_ms,
            },
        )
    }
}

fn is_html(headers: &Headers) -> bool {
    headers
        .get("content-type")
        .ok()
        .flatten()
        .map(|ct| {
            let ct = ct.trim_start().to_ascii_lowercase();
            ct.starts_with("text/html")
        })
        .unwrap_or(false)
}

pub async fn handle(
    runtime: Rc<Runtime>,
    site_index: usize,
    req: Request,
    env: &Env,
    ctx: &Context,
) -> Result<Response> {
    let site = &runtime.sites[site_index];
    let facts = Facts::read(&req);
    let sec_gpc = headers::get(&req, "sec-gpc");
    let decision = facts.decide(&runtime, site_index, sec_gpc.as_deref());
    let declined = decision.declined();
    let mut log = RequestLog::new(&site.name, &facts, &decision);

    // The request to the origin: declined vendors' cookies removed.
    let mut cookie_change = None;
    if let Some(cookie) = &facts.cookie {
        let filtered = dni_privacy::filter_cookie_header(cookie, &site.catalog, &declined);
        if !filtered.removed.is_empty() {
            log.cookies_withheld = filtered.removed.len() as u32;
            cookie_change = Some(filtered.header);
        }
    }

    // The numbers this visitor sees (may lease from a pool on a first consented view).
    let crawler =
        dni_rewrite::is_crawler(&facts.user_agent, &site.config.rewrite.crawler_user_agents);
    let numbers =
        visit::numbers_for(&runtime, site_index, &facts, &decision, crawler, env, ctx).await;
    log.swap = numbers.outcome;

    let response = upstream::fetch(
        env,
        &site.config.upstream,
        req,
        upstream::UpstreamRequest {
            cookie: cookie_change,
            // A navigation's page may be rewritten per visitor: never let the origin answer 304.
            unconditional: facts.navigation,
        },
    )
    .await?;
    let status = response.status_code();
    let (out_headers, origin_set_cookies) = headers::copy_without_set_cookie(response.headers())?;

    // Set-Cookie: the origin's, filtered one by one; expiry for withdrawn consent; our own.
    let filtered = dni_privacy::filter_set_cookies(&origin_set_cookies, &site.catalog, &declined);
    log.set_cookies_removed = filtered.removed.len() as u32;
    let mut set_cookies = filtered.kept;
    // Cookies this worker adds: expiry for withdrawn consent, and its own session cookie.
    let mut added = 0;
    if let Some(cookie) = &facts.cookie {
        let expiry = dni_privacy::expiry_set_cookies(
            cookie,
            &site.catalog,
            &declined,
            site.config.vendors.cookie_domain.as_deref(),
        );
        let names: std::collections::BTreeSet<&str> = expiry
            .iter()
            .filter_map(|c| dni_privacy::set_cookie_name(c))
            .collect();
        log.cookies_expired = names.len() as u32;
        added += expiry.len();
        set_cookies.extend(expiry);
    }
    if let Some(own) = numbers.set_cookie.clone() {
        added += 1;
        set_cookies.push(own);
    }
    for c in &set_cookies {
        out_headers.append("set-cookie", c)?;
    }

    let html = status == 200 && facts.method != Method::Head && is_html(&out_headers);
    if facts.navigation && html {
        // A page view is a 200 HTML page (not a redirect, an error or a 304).
        super::stats_client::record(env, ctx, site, log.counters(decision.swap));
    }
    let script_policy =
        (!declined.is_empty()).then(|| script_policy(runtime.clone(), site_index, &declined));
    let rewrite = html && (!numbers.swaps.is_empty() || script_policy.is_some());

    let personal = numbers.personal || added > 0;
    if rewrite || personal {
        // The page depends on the visitor's cookies; with a tracking number or a cookie of
        // its own it is personal and must not be stored by a shared cache.
        out_headers.set(
            "vary",
            &dni_privacy::vary_with_cookie(out_headers.get("vary")?.as_deref()),
        )?;
    }
    if personal {
        out_headers.set(
            "cache-control",
            &dni_privacy::private_cache_control(out_headers.get("cache-control")?.as_deref()),
        )?;
    }

    log.headers_sent(status, rewrite);
    let (builder, body) = response.into_parts();
    let builder = builder
        .with_headers(out_headers.clone())
        .with_status(status);
    if rewrite {
        if let ResponseBody::Stream(stream) = body {
            let plan = RewritePlan {
                swaps: numbers.swaps,
                attributes: site.config.rewrite.attributes.clone(),
                scripts: script_policy,
                max_text_node_bytes: site.config.rewrite.max_text_node_bytes,
            };
            let content_type = out_headers.get("content-type")?.unwrap_or_default();
            match StreamRewriter::new(plan, &content_type, body::output_chunk_bytes(env)) {
                Ok(rewriter) => {
                    out_headers.delete("content-length")?;
                    // The body now depends on this visitor's consent and session: the origin's
                    // validators no longer describe it (a 304 would show another visitor's copy).
                    out_headers.delete("etag")?;
                    out_headers.delete("last-modified")?;
                    let on_end: body::OnEnd = Box::new(move |outcome| log.finish(outcome));
                    return Ok(body::rewritten_response(
                        body::Body::new(stream),
                        rewriter,
                        on_end,
                        ctx,
                    )?
                    .with_headers(out_headers)
                    .with_status(status));
                }
                Err(e) => {
                    log.note = Some(format!("not rewritten: {e}"));
                    log.emit();
                    return Ok(builder.body(ResponseBody::Stream(stream)));
                }
            }
        }
        log.emit();
        return Ok(builder.body(body));
    }
    log.emit();
    Ok(builder.body(body))
}

fn script_policy(runtime: Rc<Runtime>, site_index: usize, declined: &[Category]) -> ScriptPolicy {
    let declined_for_closure = declined.to_vec();
    let inline_attribute = runtime.sites[site_index]
        .config
        .vendors
        .inline_script_attribute
        .clone();
    ScriptPolicy {
        blocked_src: Box::new(move |src: &str| {
            let (_, category) = runtime.sites[site_index].catalog.script_category(src)?;
            declined_for_closure.contains(&category).then_some(category)
        }),
        inline_attribute,
        declined: declined.to_vec(),
    }
}

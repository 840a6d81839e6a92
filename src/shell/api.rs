//! The reserved `/__dni/*` routes. Never forwarded to the origin.

use std::rc::Rc;

use dni_numbers::{format_national, E164};
use dni_sessions::{
    bearer_matches, call_response_json, find_number, parse_call_request, twiml_dial, NumberRole,
};
use futures_util::StreamExt;
use worker::{Context, Env, Headers, Method, Request, Response, Result};

use super::page::Facts;
use super::pool_client::PoolRef;
use super::{headers, stats_client, visit};
use crate::amp::amp_cors_headers;
use crate::runtime::Runtime;

pub fn health() -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::ok(r#"{"status":"ok","service":"consent-dni"}"#)?.with_headers(headers))
}

fn json(body: String, status: u16) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("cache-control", "private, no-store")?;
    Ok(Response::ok(body)?
        .with_headers(headers)
        .with_status(status))
}

pub async fn handle(
    runtime: Rc<Runtime>,
    site_index: usize,
    mut req: Request,
    env: &Env,
    ctx: &Context,
) -> Result<Response> {
    let path = req.path();
    match (req.method(), path.as_str()) {
        (Method::Get, "/__dni/consent") => {
            let facts = Facts::read(&req);
            let decision = facts.decide(
                &runtime,
                site_index,
                headers::get(&req, "sec-gpc").as_deref(),
            );
            json(decision.to_json(), 200)
        }
        (Method::Get, "/__dni/number") => number(runtime, site_index, &req, env, ctx).await,
        (Method::Post, "/__dni/calls") => calls(&runtime, site_index, &mut req, env).await,
        (Method::Get, "/__dni/stats") => {
            if !authorized(env, headers::get(&req, "authorization").as_deref()) {
                return unauthorized();
            }
            let report = stats_client::report(env, &runtime.sites[site_index], 30).await;
            json(serde_json::to_string(&report)?, 200)
        }
        (Method::Get, "/__dni/dashboard") => html(crate::dashboard::login_page(None), 200),
        (Method::Post, "/__dni/dashboard") => {
            let form = req.text().await.unwrap_or_default();
            let token = form
                .split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == "token")
                .map(|(_, v)| percent_decode_form(v))
                .unwrap_or_default();
            if !authorized(env, Some(&format!("Bearer {token}"))) {
                return html(
                    crate::dashboard::login_page(Some("That token is not valid.")),
                    401,
                );
            }
            let report = stats_client::report(env, &runtime.sites[site_index], 30).await;
            html(crate::dashboard::dashboard_page(&report), 200)
        }
        (
            _,
            "/__dni/consent" | "/__dni/number" | "/__dni/calls" | "/__dni/stats"
            | "/__dni/dashboard",
        ) => {
            read_bounded(&mut req, 0).await?;
            Response::error("method not allowed", 405)
        }
        _ => {
            read_bounded(&mut req, 0).await?;
            Response::error("not found", 404)
        }
    }
}

/// `GET /__dni/number?target=+1...`: the number for `amp-call-tracking`.
async fn number(
    runtime: Rc<Runtime>,
    site_index: usize,
    req: &Request,
    env: &Env,
    ctx: &Context,
) -> Result<Response> {
    let url = req.url()?;
    let mut target_param = None;
    let mut source_origin = None;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "target" => target_param = Some(v.into_owned()),
            "__amp_source_origin" => source_origin = Some(v.into_owned()),
            _ => {}
        }
    }
    let cors = match amp_cors_headers(
        url.as_str(),
        headers::get(req, "origin").as_deref(),
        source_origin.as_deref(),
    ) {
        Ok(h) => h,
        Err(why) => return Response::error(format!("forbidden: {why}"), 403),
    };
    let Some(target) = target_param
        .as_deref()
        .and_then(|t| E164::parse(t.trim()).ok())
    else {
        return Response::error(
            "`target` must be an E.164 number, e.g. target=%2B15035550142",
            400,
        );
    };
    let site = &runtime.sites[site_index];
    if !site
        .config
        .targets
        .iter()
        .any(|t| t.number == target.to_string())
    {
        return Response::error("`target` is not one of this site's targets", 404);
    }
    let mut facts = Facts::read(req);
    facts.navigation = true;
    facts.amp = true;
    let decision = facts.decide(
        &runtime,
        site_index,
        headers::get(req, "sec-gpc").as_deref(),
    );
    let numbers =
        visit::numbers_for(&runtime, site_index, &facts, &decision, false, env, ctx).await;
    let shown = numbers
        .swaps
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, n)| *n)
        .unwrap_or(target);
    let body = dni_sessions::amp_number_json(&shown.to_string(), &format_national(&shown));
    let resp = json(body, 200)?;
    let h = resp.headers();
    for (name, value) in cors {
        h.append(name, &value)?;
    }
    if let Some(cookie) = &numbers.set_cookie {
        h.append("set-cookie", cookie)?;
    }
    Ok(resp)
}

fn html(body: String, status: u16) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("cache-control", "private, no-store")?;
    headers.set("x-frame-options", "DENY")?;
    headers.set(
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    )?;
    Ok(Response::ok(body)?
        .with_headers(headers)
        .with_status(status))
}

/// Decodes an `application/x-www-form-urlencoded` value (`+` is a space).
fn percent_decode_form(v: &str) -> String {
    percent_encoding::percent_decode_str(&v.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The API token check (constant time). No token configured: nothing is authorized.
fn authorized(env: &Env, authorization: Option<&str>) -> bool {
    let expected = env
        .secret("DNI_API_TOKEN")
        .map(|s| s.to_string())
        .unwrap_or_default();
    !expected.is_empty() && bearer_matches(authorization, &expected)
}

fn unauthorized() -> Result<Response> {
    let h = Headers::new();
    h.set("www-authenticate", "Bearer")?;
    Ok(Response::error("unauthorized", 401)?.with_headers(h))
}

/// Request bodies up to this size are read to the end even when refused, so the client's
/// connection stays usable (answering before the body is consumed resets it).
const DRAIN_LIMIT: usize = 1 << 20;

/// The request body, or `None` when it is longer than `limit`. A longer body is still
/// drained (not kept) up to `DRAIN_LIMIT`; a larger declared one is refused unread.
async fn read_bounded(req: &mut Request, limit: usize) -> Result<Option<Vec<u8>>> {
    let declared = headers::get(req, "content-length").and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Ok(None);
    }
    let mut body = Vec::new();
    let mut seen = 0usize;
    let Ok(mut stream) = req.stream() else {
        return Ok(Some(body)); // no body
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        seen += chunk.len();
        if seen > DRAIN_LIMIT {
            return Ok(None);
        }
        if seen <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    Ok((seen <= limit).then_some(body))
}

/// `POST /__dni/calls`: attribution and routing for a call to a tracking number.
async fn calls(
    runtime: &Runtime,
    site_index: usize,
    req: &mut Request,
    env: &Env,
) -> Result<Response> {
    // The body is read (at most MAX_CALL_BODY bytes) before anything is answered: a reply
    // sent while the client is still sending makes the runtime drop the connection, which
    // a keep-alive client then sees as a failed request.
    let Some(body) = read_bounded(req, dni_sessions::calls::MAX_CALL_BODY).await? else {
        return Response::error(
            format!(
                "bad request: body larger than {} bytes",
                dni_sessions::calls::MAX_CALL_BODY
            ),
            413,
        );
    };
    if !authorized(env, headers::get(req, "authorization").as_deref()) {
        return unauthorized();
    }
    let content_type = headers::get(req, "content-type").unwrap_or_default();
    let call = match parse_call_request(&content_type, &body) {
        Ok(c) => c,
        Err(e) => {
            let status = match e {
                dni_sessions::BadRequest::TooLarge { .. } => 413,
                dni_sessions::BadRequest::UnsupportedContentType(_) => 415,
                _ => 400,
            };
            return Response::error(format!("bad request: {e}"), status);
        }
    };
    let site = &runtime.sites[site_index];
    let now = worker::Date::now().as_millis() as i64;
    let at = call.at_or(now);
    let targets = &site.config.targets;
    let (target_number, record) = match find_number(targets, &call.called) {
        Some(NumberRole::Tracking { target, source }) => {
            let pool = PoolRef::for_source(site, target, source).ok_or("no such pool")?;
            let record = pool.lookup(env, &call.called, at, now).await?;
            (targets[target].number.clone(), record)
        }
        Some(NumberRole::Target { target }) | Some(NumberRole::Fallback { target }) => {
            (targets[target].number.clone(), None)
        }
        None => return json(
            r#"{"error":"unknown number: not a tracking, target or fallback number of this site"}"#
                .to_string(),
            404,
        ),
    };
    match call.format {
        dni_sessions::CallFormat::Json => json(
            call_response_json(&target_number, &call.called, record.as_ref()),
            200,
        ),
        dni_sessions::CallFormat::TwilioForm => {
            let h = Headers::new();
            h.set("content-type", "text/xml; charset=utf-8")?;
            Ok(Response::ok(twiml_dial(&target_number, call.caller_e164()))?.with_headers(h))
        }
    }
}

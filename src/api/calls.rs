//! `POST /__dni/calls`: attribution and routing for a call to a tracking number.

use dni_sessions::{
    call_response_json, find_number, parse_call_request, twiml_dial, BadRequest, CallFormat,
    NumberRole,
};

use super::ApiResponse;
use crate::error::HttpError;
use crate::pool::PoolPort;
use crate::runtime::Site;

/// Answers a calls-API body (already authorized, read up to its bound).
pub async fn answer<P: PoolPort>(
    site: &Site,
    content_type: &str,
    body: &[u8],
    now_ms: i64,
    port: &P,
) -> Result<ApiResponse, HttpError> {
    let call = parse_call_request(content_type, body).map_err(|e| match e {
        BadRequest::TooLarge { .. } => HttpError::TooLarge(e.to_string()),
        BadRequest::UnsupportedContentType(_) => HttpError::UnsupportedMediaType(e.to_string()),
        _ => HttpError::BadRequest(e.to_string()),
    })?;
    let at = call.at_or(now_ms);
    let targets = &site.config.targets;
    let (target, record) = match find_number(targets, &call.called) {
        Some(NumberRole::Tracking { target, source }) => {
            let pool = site
                .pool(target, source)
                .ok_or_else(|| HttpError::Internal("no such pool".into()))?;
            let record = port
                .lookup(pool, call.called, at, now_ms)
                .await
                .map_err(|e| HttpError::Upstream(e.to_string()))?;
            (targets.get(target).map(|t| t.number), record)
        }
        Some(NumberRole::Target { target }) | Some(NumberRole::Fallback { target }) => {
            (targets.get(target).map(|t| t.number), None)
        }
        None => (None, None),
    };
    let Some(target) = target else {
        return Ok(ApiResponse::json(
            r#"{"error":"unknown number: not a tracking, target or fallback number of this site"}"#
                .to_string(),
            404,
        ));
    };
    Ok(match call.format {
        CallFormat::Json => ApiResponse::json(
            call_response_json(&target, &call.called, record.as_ref()),
            200,
        ),
        CallFormat::TwilioForm => {
            let mut r = ApiResponse::text(twiml_dial(&target, call.caller_e164().as_ref()), 200);
            r.headers = vec![("content-type", "text/xml; charset=utf-8".to_string())];
            r
        }
    })
}

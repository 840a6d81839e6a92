//! `GET /__dni/number?target=+1...`: the number for `amp-call-tracking`.

use dni_numbers::E164;

use super::amp::amp_cors_headers;
use super::ApiResponse;
use crate::error::HttpError;
use crate::pool::PoolPort;
use crate::request::RequestFacts;
use crate::runtime::Site;
use crate::session::{numbers_for, PoolCall, SessionInputs};

/// The query of an AMP number request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberQuery {
    pub target: Option<String>,
    pub source_origin: Option<String>,
}

impl NumberQuery {
    /// From the request URL's query pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> NumberQuery {
        let mut q = NumberQuery::default();
        for (k, v) in pairs {
            match k {
                "target" => q.target = Some(v.to_string()),
                "__amp_source_origin" => q.source_origin = Some(v.to_string()),
                _ => {}
            }
        }
        q
    }
}

/// The AMP answer (with its CORS headers and the session cookie) and the background calls
/// (renewals) to make after it.
pub async fn answer<P: PoolPort>(
    site: &Site,
    facts: &RequestFacts,
    query: &NumberQuery,
    origin: Option<&str>,
    secret: Option<&[u8]>,
    new_id: impl FnOnce() -> Option<[u8; 16]>,
    port: &P,
) -> Result<(ApiResponse, Vec<PoolCall>), HttpError> {
    let cors = amp_cors_headers(&facts.url, origin, query.source_origin.as_deref())
        .map_err(|why| HttpError::Forbidden(why.to_string()))?;
    let target = query
        .target
        .as_deref()
        .and_then(|t| E164::parse(t.trim()).ok())
        .ok_or_else(|| {
            HttpError::BadRequest(
                "`target` must be an E.164 number, e.g. target=%2B15035550142".to_string(),
            )
        })?;
    if !site.config.targets.iter().any(|t| t.number == target) {
        return Err(HttpError::NotFound(
            "`target` is not one of this site's targets".to_string(),
        ));
    }
    let decision = facts.decide(site);
    let inputs = SessionInputs {
        site,
        facts,
        swap_allowed: decision.swap,
        crawler: false,
        secret,
        navigation: true,
        amp: true,
    };
    let numbers = numbers_for(inputs, new_id, port).await;
    let shown = numbers
        .swaps
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(target, |(_, n)| *n);
    let mut response = ApiResponse::json(dni_sessions::amp_number_json(&shown), 200);
    response.headers.extend(cors);
    if let Some(cookie) = numbers.set_cookie {
        response.headers.push(("set-cookie", cookie));
    }
    Ok((response, numbers.background))
}

//! `GET /__dni/number?target=+1...`: the number for `amp-call-tracking`.
//!
//! Only the AMP runtime's own CORS requests lease: from the publisher's origin or its own
//! AMP cache subdomain ([`amp_cors`]), or same-origin with `AMP-Same-Origin: true`, in
//! `cors` mode, from a browser ([`RequestFacts::amp_lease_refusal`]). Anything else (a
//! cross-site `<img src=/__dni/number>`, which is `no-cors`, or a scripted client) gets
//! the fallback number, with no lease and no new session.

use dni_numbers::E164;

use super::amp::amp_cors;
use super::ApiResponse;
use crate::error::HttpError;
use crate::pool::PoolPort;
use crate::request::{LeaseRefusal, RequestFacts};
use crate::runtime::Site;
use crate::session::{numbers_for, SessionInputs};

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

/// Why this request may not lease, or `None` when it is the AMP runtime's own, from a
/// browser the site's `lease_requires` accepts.
fn refusal(site: &Site, facts: &RequestFacts, from_amp: bool) -> Option<LeaseRefusal> {
    if !from_amp {
        return Some(LeaseRefusal::FetchMetadata);
    }
    facts.amp_lease_refusal(&site.config.session.lease_requires)
}

/// The AMP answer, with its CORS headers and the session cookie.
pub async fn answer<P: PoolPort>(
    site: &Site,
    facts: &RequestFacts,
    query: &NumberQuery,
    secret: Option<&[u8]>,
    new_id: impl FnOnce() -> Option<[u8; 16]>,
    port: &P,
) -> Result<ApiResponse, HttpError> {
    let cors = amp_cors(
        &facts.url,
        facts.origin.as_deref(),
        facts.amp_same_origin,
        query.source_origin.as_deref(),
    )
    .map_err(|why| HttpError::Forbidden(why.to_string()))?;
    let target = query
        .target
        .as_deref()
        .filter(|t| t.len() <= 32)
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
    let refused = refusal(site, facts, cors.from_amp);
    let inputs = SessionInputs {
        site,
        facts,
        decision: &decision,
        crawler: false,
        secret,
        // A refused request never starts a session (a returning one keeps its number).
        navigation: refused.is_none(),
        amp: true,
        refused,
    };
    let numbers = numbers_for(inputs, new_id, port).await;
    let shown = numbers
        .swaps
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(target, |(_, n)| *n);
    let mut response = ApiResponse::json(dni_sessions::amp_number_json(&shown), 200);
    response.headers.extend(cors.headers);
    if let Some(cookie) = numbers.set_cookie {
        response.headers.push(("set-cookie", cookie));
    }
    Ok(response)
}

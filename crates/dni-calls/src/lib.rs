//! # dni-calls
//!
//! Everything about calls, as plain Rust (no Workers types): telephony providers'
//! webhooks authenticated and read directly (Twilio, SignalWire, Plivo, Vonage), the
//! bearer-token calls API, routing, call records with their attribution and consent,
//! history as JSON or CSV, and consent-gated conversions out (Google Ads import file,
//! signed webhook with a retry schedule).
//!
//! ## What the shell does (one request)
//!
//! ```text
//! POST|GET /__dni/calls[/{provider}[/status]]
//!   1. endpoint = Endpoint::from_path(path)                       -> 404 when None
//!   2. body = read at most MAX_BODY bytes                         -> 413 beyond
//!   3. event = authenticate_and_parse(endpoint, &WebhookRequest { method, url, headers, body },
//!                                     &secrets, now_ms)
//!        Err(refusal) -> answer refusal.status() (+ refusal.www_authenticate() on 401)
//!   4. storage, by event:
//!        Lookup(l)    plan = plan_call(targets, calls, &l.called);
//!                     lease = plan.pool() -> pool.history_at(called, l.at_or(now))
//!        Incoming(c)  plan = plan_call(targets, calls, &c.called);
//!                     lease = as above at now; if plan: store CallRecord::new(&c, &plan, lease, now)
//!                     (keyed by (provider, call_id): a replayed webhook overwrites nothing new)
//!        Status(s)    record = load (s.provider, s.call_id); unknown call: nothing to do;
//!                     if record.apply(&s, now) { store; if eligible: queue webhook_body(..) }
//!   5. answer = respond(&event, plan.as_ref(), lease.as_ref(), calls)  -> send as is
//!
//! GET /__dni/calls?from=&to=&format=json|csv|google_ads   (bearer token)
//!   authenticate_api(&req, &secrets)?; q = parse_history_query(query, now)?; records = store range [q.from_ms, q.to_ms);
//!   answer = render_history(&records, &q, calls)
//!
//! Daily alarm: delete records with CallRecord::expired(now, calls.retention_days).
//! Webhook alarm: POST webhook_body with sign(secret, now_s, body) in SIGNATURE_HEADER;
//!   next_step(attempt, result, now, cfg) -> Delivered | RetryAt(ms) | GiveUp.
//! ```
//!
//! ## Modules
//!
//! * [`provider`]: [`Endpoint`], [`Provider`], [`Secrets`], [`authenticate_and_parse`] →
//!   [`CallEvent`] (`Lookup`, `Incoming`, `Status`); signature functions
//!   ([`twilio_signature`], [`plivo_v3_signature`], [`verify_vonage_jwt`]).
//! * [`CallsConfig`] (the site's `calls` section, [`validate_calls`]), [`plan_call`] →
//!   [`CallPlan`] (which number rings, which pool to ask).
//! * [`respond`] → [`Answer`] (TwiML, Plivo XML, Vonage NCCO, attribution JSON, 204).
//! * [`CallRecord`], [`CallStatus`], [`LeaseConsent`], [`retention_cutoff_ms`].
//! * [`parse_history_query`], [`render_history`], [`history_csv`], [`neutralize`].
//! * [`google_ads_csv`], [`eligible`]; [`webhook`]: [`webhook_body`], [`sign`],
//!   [`verify_signature`], [`backoff_ms`], [`next_step`].

mod answer;
mod config;
mod conversions;
mod csv;
mod form;
mod history;
pub mod provider;
mod record;
mod request;
mod route;
mod status;
mod time;
pub mod webhook;

pub use answer::{lookup_json, respond, twiml_dial, Answer};
pub use config::{
    number_plan, validate_calls, CallerId, CallsConfig, GoogleAdsConfig, RouteConfig, WebhookConfig,
};
pub use conversions::{eligible, google_ads_csv, GoogleAdsExport, Skip, GOOGLE_ADS_HEADER};
pub use csv::neutralize;
pub use history::{
    history_csv, parse_history_query, render_history, HistoryFormat, HistoryQuery, CSV_COLUMNS,
    DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, MAX_ROWS,
};
pub use provider::{
    authenticate_and_parse, authenticate_api, plivo_v3_signature, twilio_signature,
    verify_vonage_jwt, CallEvent, Endpoint, IncomingCall, Lookup, Provider, Secrets, StatusUpdate,
    VonageClaims, VONAGE_MAX_AGE_MS,
};
pub use record::{retention_cutoff_ms, CallRecord, LeaseConsent};
pub use request::{provider_number, Refusal, WebhookRequest, MAX_BODY, MAX_FIELD};
pub use route::{plan_call, CallPlan};
pub use status::CallStatus;
pub use time::{format_rfc3339_ms, parse_rfc3339_ms};
pub use webhook::{backoff_ms, next_step, sign, verify_signature, webhook_body};

//! The calls API (`POST /__dni/calls`): request bodies, attribution JSON, TwiML.

mod request;
mod response;
mod time;

pub use request::{
    parse_call_request, BadRequest, CallFormat, CallRequest, MAX_CALL_BODY, MAX_CALL_FIELD,
};
pub use response::{call_response_json, twiml_dial};
pub use time::{format_rfc3339_ms, parse_rfc3339_ms};

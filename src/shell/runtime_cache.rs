//! The per-isolate `Runtime`, built once from `DNI_CONFIG` (rebuilt only if the value
//! changes). A missing or invalid config is logged once per isolate; privacy is then still
//! enforced with the built-in defaults (`Runtime::safe_defaults`) and `/__dni/health`
//! answers 503 naming the problems.

use std::cell::RefCell;
use std::rc::Rc;

use dni_common::ConfigIssue;
use wasm_bindgen::JsValue;
use worker::{console_error, Env};

use crate::runtime::Runtime;

/// The runtime, and the configuration's problems (`None`: valid; an empty list: not set).
#[derive(Clone)]
pub struct Loaded {
    pub runtime: Rc<Runtime>,
    pub config_issues: Option<Rc<Vec<ConfigIssue>>>,
}

thread_local! {
    static CACHE: RefCell<Option<(Option<String>, Loaded)>> = const { RefCell::new(None) };
    /// The `DNI_CONFIG` value (JS string or object) the cached runtime was built from: while
    /// every request brings the same value (`Object.is`), the runtime is reused without
    /// turning the value into text again (`JSON.stringify` of an object var per request).
    static SOURCE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// The cached runtime, if it was built from `value` itself.
fn cached_for(value: &JsValue) -> Option<Loaded> {
    let same = SOURCE.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|seen| js_sys::Object::is(seen, value))
    });
    if !same {
        return None;
    }
    CACHE.with(|c| c.borrow().as_ref().map(|(_, loaded)| loaded.clone()))
}

/// `DNI_CONFIG` as JSON text (a string var, or the object wrangler makes of a TOML table).
fn config_text(value: &JsValue) -> Option<String> {
    match value.as_string() {
        Some(s) => Some(s),
        None if value.is_object() => js_sys::JSON::stringify(value).ok()?.as_string(),
        None => None,
    }
}

fn build(env: &Env, text: Option<&str>) -> Option<Loaded> {
    let issues = match text.map(Runtime::from_json) {
        Some(Ok(runtime)) => {
            let runtime = Rc::new(runtime);
            return Some(Loaded {
                runtime,
                config_issues: None,
            });
        }
        Some(Err(issues)) => issues,
        None => Vec::new(),
    };
    let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
    let why = if text.is_some() {
        "invalid DNI_CONFIG"
    } else {
        "DNI_CONFIG is not set"
    };
    console_error!(
        "consent-dni: {why}, enforcing privacy with the built-in defaults (numbers untouched): {}",
        list.join("; ")
    );
    // The local dev config passes through to the bundled assets; a zone to its origin.
    let assets = env
        .var("DNI_PASSTHROUGH_UPSTREAM")
        .is_ok_and(|v| v.to_string() == "assets");
    let runtime = Rc::new(Runtime::safe_defaults(assets).ok()?);
    Some(Loaded {
        runtime,
        config_issues: Some(Rc::new(issues)),
    })
}

/// The isolate's runtime (`None` only if even the built-in defaults cannot be built).
pub fn load(env: &Env) -> Option<Loaded> {
    let value = js_sys::Reflect::get(env.as_ref(), &"DNI_CONFIG".into()).unwrap_or_default();
    if let Some(loaded) = cached_for(&value) {
        return Some(loaded);
    }
    let text = config_text(&value);
    let loaded = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        match c.as_ref() {
            Some((cached, loaded)) if *cached == text => Some(loaded.clone()),
            _ => {
                let loaded = build(env, text.as_deref())?;
                *c = Some((text, loaded.clone()));
                Some(loaded)
            }
        }
    })?;
    SOURCE.with(|s| *s.borrow_mut() = Some(value));
    Some(loaded)
}

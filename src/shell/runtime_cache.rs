//! The per-isolate `Runtime`, built once from `DNI_CONFIG` (rebuilt only if the value
//! changes). An invalid config is logged once per isolate; traffic then passes through.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use worker::{console_error, Env};

use crate::runtime::Runtime;

pub enum Loaded {
    Ready(Rc<Runtime>),
    /// No `DNI_CONFIG` binding, or an invalid one (already logged).
    PassThrough,
}

thread_local! {
    static CACHE: RefCell<Option<(String, Option<Rc<Runtime>>)>> = const { RefCell::new(None) };
}

fn config_text(env: &Env) -> Option<String> {
    let value = js_sys::Reflect::get(env.as_ref(), &JsValue::from_str("DNI_CONFIG")).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    if let Some(s) = value.as_string() {
        return Some(s);
    }
    js_sys::JSON::stringify(&value).ok()?.as_string()
}

pub fn load(env: &Env) -> Loaded {
    let Some(text) = config_text(env) else {
        return CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().map(|(t, _)| t.as_str()) != Some("") {
                console_error!(
                    "consent-dni: DNI_CONFIG is not set; passing all traffic through untouched"
                );
                *c = Some((String::new(), None));
            }
            Loaded::PassThrough
        });
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((cached, runtime)) = c.as_ref() {
            if *cached == text {
                return runtime.clone().map_or(Loaded::PassThrough, Loaded::Ready);
            }
        }
        let runtime = match Runtime::from_json(&text) {
            Ok(r) => Some(Rc::new(r)),
            Err(issues) => {
                let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
                console_error!(
                    "consent-dni: invalid DNI_CONFIG, passing all traffic through untouched: {}",
                    list.join("; ")
                );
                None
            }
        };
        *c = Some((text, runtime.clone()));
        runtime.map_or(Loaded::PassThrough, Loaded::Ready)
    })
}

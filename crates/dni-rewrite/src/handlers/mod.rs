//! The lol_html handlers of one rewrite, over its [`Shared`] state: which element and document
//! handlers the plan needs, in their order ([`install`]), and the handler methods on
//! [`Shared`] by concept (the number handlers work on plain inputs, in [`crate::numbers`]).

mod firewall;
mod payload;
mod script;

use std::borrow::Cow;
use std::rc::Rc;

use lol_html::errors::RewritingError;
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, Selector, Settings};

use crate::numbers::{Numbers, SKIP_ELEMENT_SELECTOR, SKIP_TEXT_SELECTOR};
use crate::payload::{framework_of_element, GuardPlacement, FRAMEWORK_MARKER_SELECTOR};
use crate::shared::Shared;

/// Elements whose URL attributes the firewall checks.
const RESOURCE_SELECTOR: &str = "img, source, iframe, frame, embed, object, video, audio, \
     input[type=image i], link[rel], a[ping], area[ping], image, [background]";

type Handlers = (Cow<'static, Selector>, ElementContentHandlers<'static>);

fn handlers(selector: &str, h: ElementContentHandlers<'static>) -> Option<Handlers> {
    Some((Cow::Owned(selector.parse::<Selector>().ok()?), h))
}

/// Adds the handlers `shared`'s plan needs to `settings`.
pub(crate) fn install(
    shared: &Rc<Shared>,
    mut settings: Settings<'static, 'static>,
) -> Settings<'static, 'static> {
    let mut element_handlers: Vec<Handlers> = Vec::new();
    // Number handlers first: the skip markers they set are read by the others.
    if let Some(numbers) = &shared.numbers {
        if let Some(doc) = number_handlers(shared, numbers, &mut element_handlers) {
            settings = settings.append_document_content_handler(doc);
            // A bail-out flushes the rest of the input raw: held text goes out first.
            let s = shared.clone();
            settings = settings.append_bail_out_handler(
                move |_: &RewritingError, _: &mut lol_html::html_content::BailOut<'_>| {
                    if let Some(n) = &s.numbers {
                        n.on_end(&s.stats, &s.out);
                    }
                },
            );
        }
    }
    if shared.consent.is_some() {
        consent_mode_handlers(shared, &mut element_handlers);
    }
    if shared.data.is_some() && shared.has_swaps() {
        framework_handlers(shared, &mut element_handlers);
    }
    if shared.holds_scripts() {
        script_handlers(shared, &mut element_handlers);
    }
    firewall_handlers(shared, &mut element_handlers);
    for (selector, h) in element_handlers {
        settings = settings.append_element_content_handler((selector, h));
    }
    settings
}

fn number_handlers(
    shared: &Rc<Shared>,
    numbers: &Numbers,
    out: &mut Vec<Handlers>,
) -> Option<DocumentContentHandlers<'static>> {
    if numbers.swapper.is_empty() {
        return None;
    }
    let s = shared.clone();
    out.extend(handlers(
        SKIP_ELEMENT_SELECTOR,
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            if let Some(n) = &s.numbers {
                n.skip_element_at
                    .set(Some(el.source_location().bytes().start));
            }
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        SKIP_TEXT_SELECTOR,
        ElementContentHandlers::default().text(move |_: &mut TextChunk<'_>| {
            if let Some(n) = &s.numbers {
                n.skip_this_text.set(true);
            }
            Ok(())
        }),
    ));
    let selector = numbers.attribute_selector();
    let s = shared.clone();
    out.extend(handlers(
        &selector,
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            match &s.numbers {
                Some(n) => n.on_attributes(el, &s.stats),
                None => Ok(()),
            }
        }),
    ));
    let s = shared.clone();
    let e = shared.clone();
    Some(
        DocumentContentHandlers::default()
            .text(move |t: &mut TextChunk<'_>| {
                if let Some(n) = &s.numbers {
                    n.on_text(t, &s.stats, &s.out);
                }
                Ok(())
            })
            .end(move |_: &mut lol_html::html_content::DocumentEnd<'_>| {
                if let Some(n) = &e.numbers {
                    n.on_end(&e.stats, &e.out);
                }
                Ok(())
            }),
    )
}

fn script_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let s = shared.clone();
    let t = shared.clone();
    out.extend(handlers(
        "script",
        ElementContentHandlers::default()
            .element(move |el: &mut Element<'_, '_>| s.on_script(el))
            .text(move |c: &mut TextChunk<'_>| {
                t.on_script_text(c);
                Ok(())
            }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "meta",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            s.on_meta(el);
            Ok(())
        }),
    ));
}

/// Framework markers (the hydration guard goes before the first), island props, and the
/// guard at the top of `<body>` when it goes on every page.
fn framework_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let s = shared.clone();
    out.extend(handlers(
        FRAMEWORK_MARKER_SELECTOR,
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            if let Some(f) = framework_of_element(el) {
                s.saw_framework(f);
                if let Some(g) = s.take_guard() {
                    el.before(g, ContentType::Html);
                }
            }
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "astro-island[props]",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| s.on_island(el)),
    ));
    let always = shared
        .data
        .as_ref()
        .and_then(|d| d.guard.as_ref())
        .is_some_and(|g| g.placement == GuardPlacement::Always);
    if always {
        let s = shared.clone();
        out.extend(handlers(
            "body",
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                if let Some(g) = s.take_guard() {
                    el.prepend(g, ContentType::Html);
                }
                Ok(())
            }),
        ));
    }
}

fn firewall_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let Some(fw) = &shared.firewall else { return };
    if !fw.disarms() {
        return;
    }
    let s = shared.clone();
    out.extend(handlers(
        RESOURCE_SELECTOR,
        ElementContentHandlers::default()
            .element(move |el: &mut Element<'_, '_>| s.on_resource(el)),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "noscript",
        ElementContentHandlers::default().text(move |c: &mut TextChunk<'_>| {
            s.on_noscript_text(c);
            Ok(())
        }),
    ));
}

fn consent_mode_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let s = shared.clone();
    out.extend(handlers(
        "head",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            let Some(cm) = &s.consent else { return Ok(()) };
            let mut output = s.out.borrow_mut();
            if let Some(html) = cm.borrow_mut().at_head_start(&mut output) {
                el.prepend(html, ContentType::Html);
            }
            if cm.borrow().inserted() {
                let mut st = s.stats.get();
                st.consent_mode_inserted = true;
                s.stats.set(st);
            }
            drop(output);
            let e = s.clone();
            el.on_end_tag(lol_html::end_tag!(move |_: &mut EndTag<'_>| {
                if let Some(cm) = &e.consent {
                    cm.borrow_mut().at_head_end(&mut e.out.borrow_mut());
                }
                Ok(())
            }))?;
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "body",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            let Some(cm) = &s.consent else { return Ok(()) };
            let mut output = s.out.borrow_mut();
            cm.borrow_mut().at_head_end(&mut output);
            if let Some(html) = cm.borrow_mut().at_first_script_or_body(&mut output) {
                el.before(html, ContentType::Html);
                let mut st = s.stats.get();
                st.consent_mode_inserted = true;
                s.stats.set(st);
            }
            Ok(())
        }),
    ));
}

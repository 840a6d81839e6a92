//! The lol_html handlers of one rewrite, over its [`Shared`] state: which element and document
//! handlers the plan needs, in their order ([`install`]), and the handler methods on
//! [`Shared`] by concept (the number handlers work on plain inputs, in [`crate::numbers`]).

mod firewall;
mod payload;
mod script;

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use lol_html::errors::RewritingError;
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, Selector, Settings};

use crate::numbers::{Numbers, NOSCRIPT_SELECTOR, SKIP_ELEMENT_SELECTOR, SKIP_TEXT_SELECTOR};
use crate::payload::{framework_marker, GuardPlacement, FRAMEWORK_MARKER_SELECTOR};
use crate::shared::Shared;

/// Elements whose URL attributes the firewall checks. `link`, not `link[rel]`: the same
/// selector as the framework markers' is one test per start tag fewer (`on_resource` reads
/// `rel`). `[ping]`, not `a[ping], area[ping]`: one entry instead of two (`on_resource`
/// leaves other elements' `ping` alone). `[src]` for `embed`, `audio` and `input[type=image
/// i]`, whose only URL attribute is `src` (one entry instead of three; `on_resource` leaves
/// other elements alone, and an `<input>` other than an image button). `base` for the
/// document's base URL; `[style*="url(" i]`: CSS background pixels (a `[style]` entry costs
/// its handler on every styled element). Event handler attributes are read on the elements
/// selected here (`<img onload/onerror>`, frames, `[src]`), without an entry of their own:
/// `[onload]`, `[onerror]` and `[onclick]` entries cost ~5 % more instructions per page.
const RESOURCE_SELECTOR: &str = "img, source, iframe, frame, object, video, link, [src], \
     [ping], image, [background], base, [style*=\"url(\" i]";

type Handlers = (Cow<'static, Selector>, ElementContentHandlers<'static>);

/// Selectors parsed so far on this thread, by their text (the constants, and each site's
/// configured attributes): parsing is a good part of a rewriter's fixed cost, a parsed
/// [`Selector`] is reference-counted, so a clone costs next to nothing.
const PARSED_SELECTORS_KEPT: usize = 64;

thread_local! {
    static PARSED_SELECTORS: RefCell<Vec<(String, Selector)>> = const { RefCell::new(Vec::new()) };
}

/// `selector` parsed (once per thread; `None` if it does not parse).
fn parsed(selector: &str) -> Option<Selector> {
    PARSED_SELECTORS.with(|cache| {
        let mut cache = cache.try_borrow_mut().ok()?;
        if let Some((_, parsed)) = cache.iter().find(|(text, _)| text == selector) {
            return Some(parsed.clone());
        }
        let parsed = selector.parse::<Selector>().ok()?;
        if cache.len() >= PARSED_SELECTORS_KEPT {
            // Many sites' attribute lists: start over rather than grow without bound.
            cache.clear();
        }
        cache.push((selector.to_owned(), parsed.clone()));
        Some(parsed)
    })
}

fn handlers(selector: &str, h: ElementContentHandlers<'static>) -> Option<Handlers> {
    Some((Cow::Owned(parsed(selector)?), h))
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
    skip_marker_handlers(shared, out);
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

/// The markers the number handlers read: `[data-dni-skip]` elements, text never rewritten
/// (`textarea`, raw text in `<svg>`/`<math>`, ...), and `<noscript>` raw text.
fn skip_marker_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
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
    let s = shared.clone();
    out.extend(handlers(
        NOSCRIPT_SELECTOR,
        ElementContentHandlers::default().text(move |_: &mut TextChunk<'_>| {
            if let Some(n) = &s.numbers {
                n.noscript_text.set(true);
            }
            Ok(())
        }),
    ));
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
            if let Some(f) = framework_marker(el) {
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
        // Not `astro-island[props]`: the same selector as the marker's is one test per tag
        // (`on_island` looks for `props`).
        "astro-island",
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
        NOSCRIPT_SELECTOR,
        ElementContentHandlers::default().text(move |c: &mut TextChunk<'_>| {
            s.on_noscript_text(c);
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "style",
        ElementContentHandlers::default().text(move |c: &mut TextChunk<'_>| {
            if let Some(fw) = &s.firewall {
                s.on_style_text(fw, c);
            }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::{parsed, PARSED_SELECTORS, PARSED_SELECTORS_KEPT};
    use crate::{RewriteConfig, RewritePlan, StreamRewriter};
    use dni_numbers::E164;

    fn cached() -> Vec<String> {
        PARSED_SELECTORS.with(|c| c.borrow().iter().map(|(t, _)| t.clone()).collect())
    }

    #[test]
    fn a_selector_is_parsed_once_and_the_cache_stays_bounded() {
        assert!(parsed("[data-phone]").is_some());
        let before = cached().len();
        assert!(parsed("[data-phone]").is_some());
        assert_eq!(cached().len(), before, "found, not parsed again");
        assert!(parsed("a:hover").is_none());
        assert!(
            !cached().iter().any(|t| t == "a:hover"),
            "errors are not kept"
        );
        for i in 0..3 * PARSED_SELECTORS_KEPT {
            assert!(parsed(&format!("[data-x{i}]")).is_some());
            assert!(cached().len() <= PARSED_SELECTORS_KEPT);
        }
        assert!(cached()
            .iter()
            .any(|t| t == &format!("[data-x{}]", 3 * PARSED_SELECTORS_KEPT - 1)));
    }

    fn rewrite(page: &str, firewall: Option<crate::TagFirewall>) -> String {
        let swaps = vec![(
            E164::parse("+15551234567").unwrap(),
            E164::parse("+15559876543").unwrap(),
        )];
        let plan = RewritePlan::new(&RewriteConfig::default(), swaps, firewall);
        let mut rw = StreamRewriter::new(plan, "text/html", 1).unwrap();
        let mut out = Vec::new();
        // Byte by byte: every chunk split.
        for b in page.as_bytes().chunks(1) {
            out.extend(rw.write(b).unwrap().unwrap_or_default());
        }
        out.extend(rw.end().unwrap().0);
        String::from_utf8(out).unwrap()
    }

    /// Raw text is skipped by its text type, except `<noscript>`'s; the same elements inside
    /// `<svg>` / `<math>` hold ordinary text (HTML's foreign content: WHATWG HTML, 13.2.6.5
    /// "The rules for parsing tokens in foreign content") and are skipped by their selector.
    #[test]
    fn raw_text_elements_are_skipped_in_html_and_in_foreign_content() {
        let n = "555-123-4567";
        let m = "555-987-6543";
        for tag in ["style", "xmp", "noembed", "noframes", "iframe", "textarea"] {
            let html = format!("<p>{n}</p><{tag}>{n}</{tag}><p>{n}</p>");
            let want = format!("<p>{m}</p><{tag}>{n}</{tag}><p>{m}</p>");
            assert_eq!(rewrite(&html, None), want, "{tag}");
            for root in ["svg", "math"] {
                let html = format!("<{root}><{tag}><g>{n}</g>{n}</{tag}><text>{n}</text></{root}>");
                let want = format!("<{root}><{tag}><g>{n}</g>{n}</{tag}><text>{m}</text></{root}>");
                assert_eq!(rewrite(&html, None), want, "{root} {tag}");
            }
        }
        assert_eq!(
            rewrite(&format!("<p>{n}<plaintext>{n}</p>"), None),
            format!("<p>{m}<plaintext>{n}</p>")
        );
        assert_eq!(
            rewrite(&format!("<svg><plaintext>{n}</plaintext>{n}</svg>"), None),
            format!("<svg><plaintext>{n}</plaintext>{m}</svg>")
        );
        // `title` is RCDATA like `textarea`, and rewritten; `noscript` raw text is rewritten
        // (without a firewall as text, with one as markup by the nested rewriter).
        assert_eq!(
            rewrite(&format!("<title>{n}</title><noscript>{n}</noscript>"), None),
            format!("<title>{m}</title><noscript>{m}</noscript>")
        );
        let firewall = crate::TagFirewall {
            classifier: std::rc::Rc::new(crate::ListClassifier::default()),
            declined: vec![dni_common::Category::Marketing],
            marker_attribute: "data-dni-category".into(),
            max_inline_script_bytes: crate::DEFAULT_MAX_INLINE_SCRIPT_BYTES,
            reenable: Vec::new(),
        };
        assert_eq!(
            rewrite(
                &format!("<noscript><b>{n}</b></noscript><style>{n}</style>"),
                Some(firewall)
            ),
            format!("<noscript><b>{m}</b></noscript><style>{n}</style>")
        );
    }

    /// `[ping]` and `[src]` select any element with one: only `<a>` and `<area>` lose their
    /// `ping`, only resources their `src`, and an `<input>` that is not an image button keeps
    /// its `src` (as with `input[type=image i]`).
    #[test]
    fn only_links_lose_their_ping_and_only_resources_their_src() {
        let pixel = "https://www.facebook.com/tr?id=1&ev=ping";
        let firewall = || crate::TagFirewall {
            classifier: std::rc::Rc::new(crate::ListClassifier {
                resources: vec![(
                    "www.facebook.com/tr".into(),
                    crate::TagInfo {
                        category: dni_common::Category::Marketing,
                        google_tag: false,
                    },
                )],
                ..crate::ListClassifier::default()
            }),
            declined: vec![dni_common::Category::Marketing],
            marker_attribute: "data-dni-category".into(),
            max_inline_script_bytes: crate::DEFAULT_MAX_INLINE_SCRIPT_BYTES,
            reenable: Vec::new(),
        };
        let kept = format!(
            r#"<div ping="{pixel}">x</div><input type="text" ping="{pixel}" src="{pixel}"><input src="{pixel}"><video><track src="{pixel}"></video><p src="{pixel}">x</p>"#
        );
        assert_eq!(rewrite(&kept, Some(firewall())), kept);
        for tag in ["a", "area"] {
            assert_eq!(
                rewrite(
                    &format!(r#"<{tag} href="/x" ping="{pixel}">"#),
                    Some(firewall())
                ),
                format!(
                    r#"<{tag} href="/x" data-dni-ping="{pixel}" data-consent-category="marketing">"#
                )
            );
        }
        // `[src]` selects these (their only URL attribute).
        for tag in ["embed", "audio"] {
            assert_eq!(
                rewrite(
                    &format!(r#"<{tag} src="{pixel}" ping="/p">"#),
                    Some(firewall())
                ),
                format!(
                    r#"<{tag} ping="/p" data-dni-src="{pixel}" data-consent-category="marketing">"#
                )
            );
        }
        assert_eq!(
            rewrite(
                &format!(r#"<input type="IMAGE" ping="/p" src="{pixel}">"#),
                Some(firewall())
            ),
            format!(
                r#"<input type="IMAGE" ping="/p" src="{}" data-dni-src="{pixel}" data-consent-category="marketing">"#,
                crate::firewall::BLANK_IMAGE
            )
        );
    }

    /// Two sites' attribute lists one after the other on one thread: each rewrite uses its
    /// own (the cache is keyed by the selector's text).
    #[test]
    fn each_rewrite_gets_the_selectors_of_its_own_plan() {
        let page = r#"<a title="Call (555) 123-4567" data-phone="555-123-4567">x</a>"#;
        let swaps = || {
            vec![(
                E164::parse("+15551234567").unwrap(),
                E164::parse("+15559876543").unwrap(),
            )]
        };
        let run = |attributes: &[&str]| {
            let config = RewriteConfig {
                attributes: attributes.iter().map(|a| a.to_string()).collect(),
                ..RewriteConfig::default()
            };
            let mut rw =
                StreamRewriter::new(RewritePlan::new(&config, swaps(), None), "text/html", 1)
                    .unwrap();
            let mut out = rw.write(page.as_bytes()).unwrap().unwrap_or_default();
            out.extend(rw.end().unwrap().0);
            String::from_utf8(out).unwrap()
        };
        for _ in 0..2 {
            assert_eq!(
                run(&["title"]),
                r#"<a title="Call (555) 987-6543" data-phone="555-123-4567">x</a>"#
            );
            assert_eq!(
                run(&["data-phone"]),
                r#"<a title="Call (555) 123-4567" data-phone="555-987-6543">x</a>"#
            );
        }
    }
}

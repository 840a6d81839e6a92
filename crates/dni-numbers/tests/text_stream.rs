//! `TextStream`: numbers in text that arrives in chunks and pieces (text nodes between inline
//! elements). A small model of the rewriter's output (held pieces as slots between the
//! markup) checks that every chunking gives the same output, that only digits change, and
//! that held memory stays bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_numbers::{NumberSwapper, TextStep, TextStream, E164, MAX_RUN_DIGITS};
use proptest::prelude::*;

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn swapper() -> NumberSwapper {
    NumberSwapper::new(&[
        (n("+15035550142"), n("+15035550170")),
        (n("+442079460018"), n("+442079460999")),
        // Another length: only swapped where it sits in one piece.
        (n("+15035550187"), n("+442079460100")),
    ])
}

/// What the page is made of: text, markup inside the block (an inline element's tag, a
/// comment), markup that ends the block.
#[derive(Debug, Clone)]
enum Event {
    Text(String),
    Inline(String),
    Break(String),
}

#[derive(Debug)]
enum Seg {
    Out(String),
    Slot,
}

/// The rewriter's output, as `dni-rewrite` builds it: held pieces are slots between the
/// markup, filled when the stream decides them.
#[derive(Default)]
struct Model {
    segs: Vec<Seg>,
    /// Indexes in `segs` of the open slots, oldest first.
    slots: Vec<usize>,
    count: u32,
    max_held: usize,
}

impl Model {
    fn fill(&mut self, texts: Vec<String>, open: bool) {
        let k = texts.len();
        assert!(
            k <= self.slots.len(),
            "{k} texts for {} slots",
            self.slots.len()
        );
        let slots: Vec<usize> = self.slots.drain(..).collect();
        let mut keep = Vec::new();
        for (i, t) in texts.into_iter().enumerate() {
            let at = slots[i];
            if i + 1 == k && open {
                // Decided beginning of a piece that stays held: it goes before the slot.
                self.segs.insert(at, Seg::Out(t));
                keep.extend(slots[i..].iter().map(|s| s + 1));
            } else {
                self.segs[at] = Seg::Out(t);
            }
        }
        if !open {
            assert_eq!(k, slots.len(), "every slot must be decided");
        }
        self.slots = keep;
    }

    fn run(sw: &NumberSwapper, events: &[Event], chunks: &[usize]) -> (String, u32, usize) {
        let mut m = Model::default();
        let mut st = TextStream::new();
        let mut new_piece = true;
        let mut cut = chunks.iter().copied().cycle();
        for e in events {
            match e {
                Event::Inline(markup) => {
                    m.segs.push(Seg::Out(markup.clone()));
                    new_piece = true;
                }
                Event::Break(markup) => {
                    let r = st.finish(sw);
                    m.count += r.count;
                    m.fill(r.texts, false);
                    st.recycle(vec!["stale text".to_owned(); 2]);
                    m.segs.push(Seg::Out(markup.clone()));
                    new_piece = true;
                }
                Event::Text(text) => {
                    let mut rest = text.as_str();
                    while !rest.is_empty() {
                        let mut k = cut.next().unwrap_or(rest.len()).max(1).min(rest.len());
                        while !rest.is_char_boundary(k) {
                            k += 1;
                        }
                        let (chunk, r) = rest.split_at(k);
                        rest = r;
                        match st.push(sw, new_piece, chunk) {
                            TextStep::Direct { text, count } => {
                                assert!(m.slots.is_empty());
                                m.count += count;
                                m.segs
                                    .push(Seg::Out(text.unwrap_or_else(|| chunk.to_owned())));
                            }
                            TextStep::Held {
                                joins_last,
                                texts,
                                open,
                                count,
                            } => {
                                m.count += count;
                                if !joins_last {
                                    m.slots.push(m.segs.len());
                                    m.segs.push(Seg::Slot);
                                } else {
                                    assert!(!m.slots.is_empty());
                                }
                                m.fill(texts, open);
                                // Strings given back with other text in them: the next
                                // held texts are written over it.
                                st.recycle(vec!["stale".to_owned(); 3]);
                            }
                            TextStep::HeldAfter { decided } => {
                                assert!(m.slots.is_empty());
                                m.slots.push(m.segs.len());
                                m.segs.push(Seg::Slot);
                                m.fill(vec![chunk[..decided].to_owned()], true);
                            }
                        }
                        assert_eq!(m.slots.len(), st.pieces(), "slots and held pieces");
                        m.max_held = m.max_held.max(st.held_bytes());
                        new_piece = false;
                    }
                }
            }
        }
        let r = st.finish(sw);
        m.count += r.count;
        m.fill(r.texts, false);
        let out = m
            .segs
            .iter()
            .map(|s| match s {
                Seg::Out(t) => t.as_str(),
                Seg::Slot => panic!("a slot was never filled"),
            })
            .collect();
        (out, m.count, m.max_held)
    }
}

fn text(s: &str) -> Event {
    Event::Text(s.into())
}
fn inline(s: &str) -> Event {
    Event::Inline(s.into())
}
fn brk(s: &str) -> Event {
    Event::Break(s.into())
}

fn whole_with(sw: &NumberSwapper, events: &[Event]) -> (String, u32) {
    let (out, count, _) = Model::run(sw, events, &[usize::MAX]);
    (out, count)
}

/// Every chunking of every text (1-byte, 2, 3, 5, 7-byte and mixed) gives the same output.
fn assert_chunking_independent(events: &[Event]) -> (String, u32) {
    assert_chunking_independent_with(&swapper(), events)
}

/// [`assert_chunking_independent`] with another swapper.
fn assert_chunking_independent_with(sw: &NumberSwapper, events: &[Event]) -> (String, u32) {
    let reference = whole_with(sw, events);
    let longest = events
        .iter()
        .map(|e| match e {
            Event::Text(s) => s.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let mut chunkings = vec![vec![1], vec![2], vec![3], vec![5], vec![7], vec![1, 4, 2]];
    // Every split point of the texts (a chunk of `k` bytes, then the rest); for long texts
    // 200 evenly spaced ones.
    let stride = longest.div_ceil(200).max(1);
    chunkings.extend((1..longest).step_by(stride).map(|k| vec![k, usize::MAX]));
    for chunks in chunkings {
        let (out, count, _) = Model::run(sw, events, &chunks);
        assert_eq!(
            (&out, count),
            (&reference.0, reference.1),
            "chunks {chunks:?}"
        );
    }
    reference
}

#[test]
fn a_whole_text_is_swapped_as_swap_in_text_does() {
    let sw = swapper();
    for t in [
        "Call (503) 555-0142 today",
        "+1 503 555 0142, or 503.555.0142",
        "#5035550142 stays, 5035550142 goes",
        "3,5035550142 and (503) 555-0187 and 020 7946 0018",
        "(503)&nbsp;555-0142&nbsp;",
        "503-555-0142,5",
    ] {
        let expected = sw.replace_in_text(t).unwrap_or_else(|| t.to_string());
        let (out, _) = assert_chunking_independent(&[text(t)]);
        assert_eq!(out, expected, "{t}");
    }
}

#[test]
fn numbers_split_across_inline_elements_are_swapped_digit_for_digit() {
    // The printed forms of issue 16.
    let cases: Vec<(Vec<Event>, &str)> =
        vec![
        (
            vec![inline("<span>"), text("(503)"), inline("</span>"), text(" 555-0142")],
            "<span>(503)</span> 555-0170",
        ),
        (
            vec![
                inline("<strong>"),
                text("503"),
                inline("</strong>"),
                text("-"),
                inline("<strong>"),
                text("555"),
                inline("</strong>"),
                text("-"),
                inline("<strong>"),
                text("0142"),
                inline("</strong>"),
            ],
            "<strong>503</strong>-<strong>555</strong>-<strong>0170</strong>",
        ),
        (
            vec![text("+1 "), inline("<em>"), text("503"), inline("</em>"), text(" 555 0142")],
            "+1 <em>503</em> 555 0170",
        ),
        (
            vec![
                inline("<a href=\"tel:+15035550142\">"),
                inline("<span>"),
                text("503"),
                inline("</span>"),
                text(" "),
                inline("<span>"),
                text("555"),
                inline("</span>"),
                text(" "),
                inline("<span>"),
                text("0142"),
                inline("</span>"),
                inline("</a>"),
            ],
            "<a href=\"tel:+15035550142\"><span>503</span> <span>555</span> <span>0170</span></a>",
        ),
        // React's `({area}) {rest}` with comments between the expressions.
        (
            vec![
                text("Emergency: ("),
                inline("<!-- -->"),
                text("503"),
                inline("<!-- -->"),
                text(") "),
                inline("<!-- -->"),
                text("555-0142"),
            ],
            "Emergency: (<!-- -->503<!-- -->) <!-- -->555-0170",
        ),
    ];
    for (events, expected) in cases {
        let (out, count) = assert_chunking_independent(&events);
        assert_eq!(out, expected);
        assert_eq!(count, 1, "{expected}");
    }
}

#[test]
fn block_boundaries_end_a_number() {
    for events in [
        vec![text("503"), brk("</p><p>"), text("555-0142")],
        vec![text("(503) 555"), brk("<br>"), text("-0142")],
    ] {
        let (out, count) = assert_chunking_independent(&events);
        assert_eq!(count, 0, "{out}");
    }
    // A whole number right before a block boundary is swapped.
    let (out, count) =
        assert_chunking_independent(&[text("Call 503-555-0142"), brk("</p>"), text("24/7")]);
    assert_eq!((out.as_str(), count), ("Call 503-555-0170</p>24/7", 1));
}

#[test]
fn context_is_looked_at_within_a_piece_only() {
    // A letter or `#` in the same text node: not a phone number, as before.
    let (out, _) = assert_chunking_independent(&[text("ID5035550142 #5035550142")]);
    assert_eq!(out, "ID5035550142 #5035550142");
    // Across an element boundary it is neutral, like the start of a text node.
    let (out, _) = assert_chunking_independent(&[
        inline("<b>"),
        text("Tel"),
        inline("</b>"),
        text("5035550142"),
        inline("<b>"),
        text("ext"),
        inline("</b>"),
    ]);
    assert_eq!(out, "<b>Tel</b>5035550170<b>ext</b>");
    // An element boundary between digits may end one number and start another: a
    // footnote mark before the number, a ZIP code in the element before it.
    let (out, count) = assert_chunking_independent(&[
        inline("<sup>"),
        text("12"),
        inline("</sup>"),
        text("5035550142"),
    ]);
    assert_eq!((out.as_str(), count), ("<sup>12</sup>5035550170", 1));
    let (out, count) = assert_chunking_independent(&[
        inline("<span>"),
        text("OR 97214"),
        inline("</span><span>"),
        text("(503) 555-0142"),
        inline("</span>"),
    ]);
    assert_eq!(
        (out.as_str(), count),
        ("<span>OR 97214</span><span>(503) 555-0170</span>", 1)
    );
    // Still one number when the digits only make one together.
    let (out, count) =
        assert_chunking_independent(&[inline("<b>"), text("50355"), inline("</b>"), text("50142")]);
    assert_eq!((out.as_str(), count), ("<b>50355</b>50170", 1));
}

#[test]
fn whitespace_pieces_and_chunks_keep_the_context_and_the_number() {
    // Whitespace-only text (between tags) skips the scan: the context still goes through
    // it (`#` then spaces: the run is not glued to the `#`), a number still joins across it.
    let (out, count) = assert_chunking_independent(&[text("#  \n 5035550142")]);
    assert_eq!((out.as_str(), count), ("#  \n 5035550170", 1));
    let (out, count) = assert_chunking_independent(&[
        text("Tel"),
        inline("<b>"),
        text("\n  "),
        inline("</b>"),
        text("503 555 0142"),
    ]);
    assert_eq!((out.as_str(), count), ("Tel<b>\n  </b>503 555 0170", 1));
    let (out, count) = assert_chunking_independent(&[
        text("503"),
        inline("<b>"),
        text(" "),
        inline("</b>"),
        text("555 0142 "),
        inline("<i>"),
        text("\t"),
    ]);
    assert_eq!((out.as_str(), count), ("503<b> </b>555 0170 <i>\t", 1));
}

#[test]
fn a_replacement_of_another_length_is_only_rewritten_inside_one_piece() {
    // +1 503 555 0187 -> +44 20 7946 0100 (another length).
    let (out, _) = assert_chunking_independent(&[text("Call (503) 555-0187 now")]);
    // (The standard form joined with the first separator that is not a parenthesis.)
    assert_eq!(out, "Call +44-20-7946-0100 now");
    let (out, count) = assert_chunking_independent(&[
        text("Call "),
        inline("<b>"),
        text("(503)"),
        inline("</b>"),
        text(" 555-0187"),
    ]);
    assert_eq!((out.as_str(), count), ("Call <b>(503)</b> 555-0187", 0));
    // A reshaped number before a boundary keeps the pieces after it right.
    let (out, count) = assert_chunking_independent(&[
        text("(503) 555-0187 or (503) "),
        inline("<i>"),
        text("555-0142"),
        inline("</i>"),
    ]);
    assert_eq!(
        (out.as_str(), count),
        ("+44-20-7946-0100 or (503) <i>555-0170</i>", 2)
    );
}

#[test]
fn a_page_of_digits_holds_at_most_one_run() {
    let digits: String = "0123456789".repeat(10_000);
    let sw = swapper();
    for chunks in [vec![1], vec![4096], vec![usize::MAX]] {
        let (out, count, held) = Model::run(&sw, &[text(&digits)], &chunks);
        assert_eq!((out.len(), count), (digits.len(), 0));
        assert!(
            held <= MAX_RUN_DIGITS + 1,
            "held {held} bytes with chunks {chunks:?}"
        );
    }
    // The same with a phone number glued on: still one over-long run.
    let glued = format!("{digits} 503 555 0142");
    let (out, count, held) = Model::run(&sw, &[text(&glued)], &[3]);
    assert_eq!((out, count), (glued.clone(), 0));
    assert!(held <= MAX_RUN_DIGITS + 4, "{held}");
    // Separated by a word, the number is found again.
    let apart = format!("{digits} call 503 555 0142");
    let (out, count) = assert_chunking_independent(&[text(&apart)]);
    assert_eq!(count, 1);
    assert!(out.ends_with("call 503 555 0170"));
}

#[test]
fn a_run_of_max_run_digits_is_still_read() {
    // Exactly MAX_RUN_DIGITS digits in a space-separated list: the numbers in it are found.
    let list = "503 555 0142 ".repeat(MAX_RUN_DIGITS / 10);
    let (out, count) = assert_chunking_independent(&[text(list.trim_end())]);
    assert_eq!(count as usize, MAX_RUN_DIGITS / 10, "{out}");
}

fn piece() -> impl Strategy<Value = Event> {
    prop_oneof![
        3 => prop_oneof![
            Just("(503) 555-0142"),
            Just("503"),
            Just("555"),
            Just("0142"),
            Just("0187"),
            Just("+1 "),
            Just("+44 "),
            Just("20 7946 0018"),
            Just("(503)&nbsp;"),
            Just("&nbsp;"),
            Just("#"),
            Just(", "),
            Just("Call "),
            Just("-"),
            Just(" "),
            Just("("),
            Just(")"),
            Just("+"),
        ]
        .prop_map(text),
        2 => "[0-9 +()#,.a-z\u{a0}&;-]{1,12}".prop_map(|s| text(&s)),
        1 => prop_oneof![Just("<b>"), Just("</b>"), Just("<!-- -->"), Just("<a href=x>")].prop_map(inline),
        1 => prop_oneof![Just("</p>"), Just("<br>"), Just("<div>")].prop_map(brk),
    ]
}

/// Every digit that changed lies in a printed target number whose digits became the
/// replacement's: in the visible text (markup removed), the window of digits and separators
/// around it holds a target's digits (international or national), and the output window
/// holds the replacement's digits at the same place.
fn changed_digits_are_in_matched_numbers(input: &str, output: &str) -> Result<(), String> {
    let norm = |s: &str| s.replace("&nbsp;", "\u{a0}");
    let (vi, vo): (Vec<char>, Vec<char>) = (
        norm(input).chars().collect(),
        norm(output).chars().collect(),
    );
    if vi.len() != vo.len() {
        return Err("lengths differ".into());
    }
    let pairs = [
        ("5035550142", "5035550170"),
        ("442079460018", "442079460999"),
        ("2079460018", "2079460999"),
    ];
    let sep = |c: char| c.is_ascii_digit() || " ()-.+/\u{a0}".contains(c);
    for i in (0..vi.len()).filter(|&i| vi[i] != vo[i]) {
        if !vi[i].is_ascii_digit() || !vo[i].is_ascii_digit() {
            return Err(format!("a non-digit changed at {i}"));
        }
        let lo = (0..i).rev().take_while(|&j| sep(vi[j])).last().unwrap_or(i);
        let hi = (i..vi.len())
            .take_while(|&j| sep(vi[j]))
            .last()
            .unwrap_or(i)
            + 1;
        let digits = |v: &[char]| -> (String, Vec<usize>) {
            let idx: Vec<usize> = (lo..hi).filter(|&j| v[j].is_ascii_digit()).collect();
            (idx.iter().map(|&j| v[j]).collect(), idx)
        };
        let (din, idx) = digits(&vi);
        let (dout, _) = digits(&vo);
        let k = idx.iter().position(|&j| j == i).unwrap();
        let ok = pairs.iter().any(|(t, r)| {
            din.match_indices(t).any(|(at, _)| {
                at <= k && k < at + t.len() && dout.get(at..at + r.len()) == Some(*r)
            })
        });
        if !ok {
            return Err(format!(
                "digit {i} changed outside a matched number: {din} -> {dout}"
            ));
        }
    }
    Ok(())
}

/// `out` without the events' markup (which the stream never changes), walking the events in
/// order: text pieces have their input's length (same-length replacements).
fn strip_markup(out: &str, events: &[Event]) -> String {
    let mut rest = out;
    let mut vis = String::new();
    for e in events {
        match e {
            Event::Text(s) => {
                let (t, r) = rest.split_at(s.len());
                vis.push_str(t);
                rest = r;
            }
            Event::Inline(m) | Event::Break(m) => {
                assert!(rest.starts_with(m.as_str()), "markup moved");
                rest = &rest[m.len()..];
            }
        }
    }
    vis
}

fn strip_digits(s: &str) -> String {
    s.chars().filter(|c| !c.is_ascii_digit()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The output does not depend on the chunking; with replacements of the same length only
    /// digits change, and never when the input has none of the targets' digits in order.
    #[test]
    fn chunking_independent_and_digit_for_digit(
        events in proptest::collection::vec(piece(), 0..30),
        chunks in proptest::collection::vec(1usize..40, 1..5),
    ) {
        let p = |s: &str| E164::parse(s).unwrap();
        let same_length = NumberSwapper::new(&[
            (p("+15035550142"), p("+15035550170")),
            (p("+442079460018"), p("+442079460999")),
        ]);
        let (reference, count, _) = Model::run(&same_length, &events, &[usize::MAX]);
        let (out, c, held) = Model::run(&same_length, &events, &chunks);
        prop_assert_eq!(&out, &reference);
        prop_assert_eq!(c, count);
        prop_assert!(held < 4096);
        let input: String = events.iter().map(|e| match e {
            Event::Text(s) | Event::Inline(s) | Event::Break(s) => s.as_str(),
        }).collect();
        prop_assert_eq!(strip_digits(&out), strip_digits(&input));
        prop_assert_eq!(out.len(), input.len());
        // The visible text: markup never changes, so it is removed from both.
        let vis_in: String = events
            .iter()
            .filter_map(|e| match e {
                Event::Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let vis_out = strip_markup(&out, &events);
        if let Err(e) = changed_digits_are_in_matched_numbers(&vis_in, &vis_out) {
            prop_assert!(false, "{}", e);
        }
        // With another-length replacements too: chunking never matters.
        let (reference, _, _) = Model::run(&swapper(), &events, &[usize::MAX]);
        let (out, _, _) = Model::run(&swapper(), &events, &chunks);
        prop_assert_eq!(out, reference);
    }

    /// One piece in any chunks is `swap_in_text` of the whole.
    #[test]
    fn one_piece_is_swap_in_text(s in "[0-9 +()#,.a-z\u{a0}&;-]{0,60}", chunks in proptest::collection::vec(1usize..40, 1..5)) {
        let sw = swapper();
        let expected = sw.swap_in_text(&s).map_or((s.clone(), 0), |r| (r.text, r.count));
        let (out, count, _) = Model::run(&sw, &[text(&s)], &chunks);
        prop_assert_eq!((out, count), expected);
    }
}

#[test]
fn an_extension_glued_on_ends_the_number_at_every_chunking() {
    // `x12`, `ext12`, `ext.12` against the number (printed so in US directories and
    // e-mail signatures); a word glued on is still not a number.
    for (input, expected, count) in [
        (
            "Call (503) 555-0142x12 today",
            "Call (503) 555-0170x12 today",
            1,
        ),
        ("Call 503.555.0142 ext.12", "Call 503.555.0170 ext.12", 1),
        ("Call 503-555-0142EXT12", "Call 503-555-0170EXT12", 1),
        ("Call 503-555-0142x", "Call 503-555-0142x", 0),
        ("Call 503-555-0142exam", "Call 503-555-0142exam", 0),
        ("ID 5035550142xyz", "ID 5035550142xyz", 0),
    ] {
        let (out, n) = assert_chunking_independent(&[text(input)]);
        assert_eq!((out.as_str(), n), (expected, count), "{input}");
    }
}

#[test]
fn indian_mobiles_without_the_trunk_0_at_every_chunking() {
    // IndianOil's LPG booking number as westerntimesnews.in prints it ("77189 55555") and
    // as 4thnation.com does ("7718955555"); with the trunk 0 and the country code.
    let sw = NumberSwapper::new(&[(n("+917718955555"), n("+917718955599"))]);
    let t = "Book on 77189 55555 or 7718955555, from a landline 077189 55555, abroad \
             +91-77189-55555. Not 977189 55555 nor 7718955555123.";
    let (out, count) = assert_chunking_independent_with(&sw, &[text(t)]);
    assert_eq!(count, 4);
    assert_eq!(
        out,
        "Book on 77189 55599 or 7718955599, from a landline 077189 55599, abroad \
         +91-77189-55599. Not 977189 55555 nor 7718955555123."
    );
    // Split by inline markup, as a page may print it.
    let events = [
        text("Call "),
        inline("<b>"),
        text("77189"),
        inline("</b>"),
        text(" 55555"),
    ];
    let (out, count) = assert_chunking_independent_with(&sw, &events);
    assert_eq!((out.as_str(), count), ("Call <b>77189</b> 55599", 1));
}

#[test]
fn fullwidth_numbers_at_every_chunking() {
    // ソフィアメディクス株式会社's privacy contact, "ＴＥＬ：０３－４４０５－６０６３（受付時間
    // 10：00～18：00※）", in one text and split by inline markup; the 0120 line of
    // さいたま市公共施設予約システム ("ＴＥＬ：０１２０－３１０－９７０　ＦＡＸ：...").
    let sw = NumberSwapper::new(&[
        (n("+81344056063"), n("+81344056099")),
        (n("+81120310970"), n("+81120310999")),
    ]);
    let t = "〒１５０－０００２　渋谷３－１３－１１　ＴＥＬ：０３－４４０５－６０６３（受付時間　10：00～18：00※）";
    let (out, count) = assert_chunking_independent_with(&sw, &[text(t)]);
    assert_eq!(count, 1);
    assert_eq!(out, t.replace("６０６３", "６０９９"));
    let events = [
        text("ＴＥＬ："),
        inline("<span>"),
        text("（０３）"),
        inline("</span>"),
        text("４４０５ー６０６３　"),
        text("ＦＡＸ：０４８－７１１－８２４５、"),
        inline("<b>"),
        text("０１２０－３１０－９７０"),
        inline("</b>"),
        text("。"),
    ];
    let (out, count) = assert_chunking_independent_with(&sw, &events);
    assert_eq!(count, 2);
    assert_eq!(
        out,
        "ＴＥＬ：<span>（０３）</span>４４０５ー６０９９　ＦＡＸ：０４８－７１１－８２４５、<b>０１２０－３１０－９９９</b>。"
    );
    // A fullwidth `（` or `＋` at the end of a chunk may start the number.
    let (out, _) = assert_chunking_independent_with(&sw, &[text("＋８１　３－４４０５－６０６３")]);
    assert_eq!(out, "＋８１　３－４４０５－６０９９");
}

fn wide_piece() -> impl Strategy<Value = Event> {
    prop_oneof![
        3 => prop_oneof![
            Just("０３－４４０５－６０６３"),
            Just("（０３）４４０５ー６０６３"),
            Just("＋８１　３−４４０５−６０６３"),
            Just("03-4405-6063"),
            Just("０３"),
            Just("４４０５"),
            Just("６０６３"),
            Just("－"),
            Just("（"),
            Just("＋"),
            Just("ＴＥＬ："),
            Just("Ａ"),
            Just("　"),
            Just("電話"),
        ]
        .prop_map(text),
        2 => "[０-９0-9 －ー−（）()＋+Ａ：　]{1,8}".prop_map(|s| text(&s)),
        1 => prop_oneof![Just("<b>"), Just("</b>")].prop_map(inline),
        1 => prop_oneof![Just("</p>"), Just("<br>")].prop_map(brk),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Fullwidth text: the output does not depend on the chunking, one piece is
    /// `swap_in_text` of the whole, and only digits change (fullwidth for fullwidth).
    #[test]
    fn fullwidth_text_is_chunking_independent(
        events in proptest::collection::vec(wide_piece(), 0..20),
        chunks in proptest::collection::vec(1usize..20, 1..5),
    ) {
        let sw = NumberSwapper::new(&[(n("+81344056063"), n("+81344056099"))]);
        let (reference, count, _) = Model::run(&sw, &events, &[usize::MAX]);
        let (out, c, _) = Model::run(&sw, &events, &chunks);
        prop_assert_eq!(&out, &reference);
        prop_assert_eq!(c, count);
        let input: String = events.iter().map(|e| match e {
            Event::Text(s) | Event::Inline(s) | Event::Break(s) => s.as_str(),
        }).collect();
        prop_assert_eq!(out.len(), input.len());
        let changed = |a: char, b: char| a == b
            || (a.is_ascii_digit() && b.is_ascii_digit())
            || (('０'..='９').contains(&a) && ('０'..='９').contains(&b));
        for (a, b) in out.chars().zip(input.chars()) {
            prop_assert!(changed(a, b), "{} for {}", a, b);
        }
        let one: String = events.iter().filter_map(|e| match e {
            Event::Text(s) => Some(s.as_str()),
            _ => None,
        }).collect();
        let expected = sw.swap_in_text(&one).map_or((one.clone(), 0), |r| (r.text, r.count));
        let (whole_out, whole_count, _) = Model::run(&sw, &[text(&one)], &chunks);
        prop_assert_eq!((whole_out, whole_count), expected);
    }
}

#[test]
fn held_text_ends_with_a_digit_ascii_or_fullwidth() {
    // The rewriter joins a superscript that starts with a digit only to held text that
    // ends with one (`(503) <sup>555</sup>-0142`, `（０３）<sup>４４０５</sup>...`).
    let sw = NumberSwapper::new(&[(n("+81344056063"), n("+81344056099"))]);
    for (t, ends) in [
        ("(503) ", false),
        ("Call 503", true),
        ("（０３）", false),
        ("ＴＥＬ：０３", true),
        ("ＴＥＬ：０３－", false),
    ] {
        let mut st = TextStream::new();
        st.push(&sw, true, t);
        assert!(st.holding(), "{t}");
        assert_eq!(st.ends_with_digit(), ends, "{t}");
    }
}

//! The matcher's cost per text chunk, for an instruction count (BENCHMARKS.md, "Issue 16
//! speed, 2026-11-27 night (fast)"): feeds a [`TextStream`] `count` chunks of ~110 bytes of
//! one kind of text and prints the bytes per chunk.
//!
//! ```sh
//! cargo build --release -p dni-numbers --example text_cost
//! for n in 1000 11000; do valgrind --tool=cachegrind --cache-sim=no \
//!   --cachegrind-out-file=/dev/null target/release/examples/text_cost plain $n; done
//! ```
//! Instructions per chunk = (run of 11000 − run of 1000) / 10000. Kinds: `plain` (no digit),
//! `digits` (three `2024` per chunk), `numbers` (two target numbers per chunk), `space` (a newline and 8 spaces, as between tags). Every fourth
//! chunk starts a new piece, and the text is ended after every fourth.

use dni_numbers::{NumberSwapper, TextStep, TextStream, E164};

const WORDS: [&str; 8] = [
    "lorem", "ipsum", "dolor", "sit", "amet", "service", "repair", "today",
];

fn chunk(kind: &str) -> String {
    if kind == "space" {
        return "\n        ".into();
    }
    let mut text = String::new();
    let mut i = 0usize;
    for word in WORDS.iter().cycle() {
        if text.len() >= 100 {
            break;
        }
        text.push_str(word);
        text.push(' ');
        i += 1;
        if kind == "digits" && i.is_multiple_of(5) {
            text.push_str("2024 ");
        }
        if kind == "numbers" && i.is_multiple_of(6) {
            text.push_str("(555) 123-4567 ");
        }
    }
    text.push_str("end.");
    text
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "plain".into());
    let count: usize = args.next().unwrap_or_else(|| "1000".into()).parse()?;
    let sw = NumberSwapper::new(&[
        (E164::parse("+15551234567")?, E164::parse("+15559876543")?),
        (E164::parse("+15552223333")?, E164::parse("+15558887777")?),
    ]);
    let text = chunk(&kind);
    let mut stream = TextStream::new();
    let mut out = 0usize;
    for r in 0..count {
        out += match stream.push(&sw, r % 4 == 0, &text) {
            TextStep::Direct { text, count } => text.map_or(0, |t| t.len()) + count as usize,
            TextStep::Held { texts, .. } => texts.len(),
            TextStep::HeldAfter { decided } => decided,
        };
        if r % 4 == 3 {
            out += stream.finish(&sw).texts.len();
        }
    }
    println!("{} bytes per chunk ({out})", text.len());
    Ok(())
}

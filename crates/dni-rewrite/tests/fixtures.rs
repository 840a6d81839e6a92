//! Fixture-driven rewriter tests, modelled on lol_html's own harness (`tests/harness/` in
//! github.com/cloudflare/lol-html: fixtures as data, every ASCII-compatible encoding, random
//! chunk sizes from a reproducible seed).
//!
//! Every folder under `tests/fixtures/` is one case (`input.html`, `plan.json`,
//! `expected.html`, optionally `expected-stats.json`). Each case is rewritten
//! * in UTF-8 and windows-1252 (plus the extra `charset_labels` of its plan): whole, split
//!   into two chunks at every byte offset (128 sampled offsets for inputs over 2 KiB), in
//!   1-byte chunks and in 8 random chunkings from a fixed seed;
//! * in every other ASCII-compatible encoding that can encode it: whole and in 2 random
//!   chunkings;
//!
//! with output chunk sizes of 1 byte and 64 KiB (split points alternate between the two).
//! The output must equal `expected.html` (transcoded to the encoding) byte for byte, and the
//! statistics must equal `expected-stats.json` (or, without one, those of the whole UTF-8
//! run). A case marked `known_failure` must still fail somewhere.
//!
//! Environment variables (see `tests/fixtures/README.md`): `DNI_FIXTURE` (cases whose name
//! contains it), `DNI_ENCODING` (one encoding), `DNI_SPLIT`, `DNI_CHUNK_SIZE`,
//! `DNI_CHUNK_SEED` (run only that chunking, to reproduce a failure), `DNI_CHUNK_RUNS`
//! (random chunkings per encoding), `DNI_ALL_SPLITS` (no sampling of split points).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use dni_common::Category;
use dni_numbers::E164;
use dni_rewrite::{
    GuardPlacement, HydrationGuard, RewriteConfig, RewritePlan, RewriteStats, StreamRewriter,
    TagClassifier, TagFirewall, TagInfo, DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};
use encoding_rs::Encoding;
use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde::Deserialize;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Output chunk sizes every chunking runs with: the smallest, and the worker's real one.
/// Split points alternate between them (even offsets 1 byte, odd 64 KiB), which halves the
/// dominant cost; every other chunking runs with both.
const OUTPUT_CHUNK_SIZES: [usize; 2] = [1, 64 * 1024];

/// Seed of the first random chunking of every case (the n-th uses `seed + n`).
const DEFAULT_CHUNK_SEED: u64 = 0x00d1_c0de;
/// Random chunkings per case in UTF-8 and windows-1252.
const DEFAULT_CHUNK_RUNS: u64 = 8;
/// Random chunkings per case in each of the other encodings.
const OTHER_ENCODING_CHUNK_RUNS: u64 = 2;

/// Inputs up to this size are split at every byte offset. Longer ones (whole pages) are
/// split at [`SAMPLED_SPLITS`] evenly spaced offsets (shifted by the seed), which keeps
/// `cargo test` fast in debug builds: the cost of every split point grows with the square of
/// the size. `DNI_ALL_SPLITS=1` splits every input at every offset.
const SPLIT_EVERY_BYTE_UP_TO: usize = 2048;
/// Split points of a longer input.
const SAMPLED_SPLITS: usize = 128;

/// Files a case folder may hold.
const CASE_FILES: [&str; 5] = [
    "input.html",
    "plan.json",
    "expected.html",
    "expected-stats.json",
    "README.md",
];

/// The ASCII-compatible encodings besides UTF-8 and windows-1252 (which get the full
/// matrix): the rest of the WHATWG Encoding Standard's list, without UTF-16BE/LE and
/// ISO-2022-JP (transcoded to UTF-8: `tests/rewrite.rs`) and `replacement` (refused).
static OTHER_ENCODINGS: [&Encoding; 33] = [
    encoding_rs::BIG5,
    encoding_rs::EUC_JP,
    encoding_rs::EUC_KR,
    encoding_rs::GB18030,
    encoding_rs::GBK,
    encoding_rs::IBM866,
    encoding_rs::ISO_8859_2,
    encoding_rs::ISO_8859_3,
    encoding_rs::ISO_8859_4,
    encoding_rs::ISO_8859_5,
    encoding_rs::ISO_8859_6,
    encoding_rs::ISO_8859_7,
    encoding_rs::ISO_8859_8,
    encoding_rs::ISO_8859_8_I,
    encoding_rs::ISO_8859_10,
    encoding_rs::ISO_8859_13,
    encoding_rs::ISO_8859_14,
    encoding_rs::ISO_8859_15,
    encoding_rs::ISO_8859_16,
    encoding_rs::KOI8_R,
    encoding_rs::KOI8_U,
    encoding_rs::MACINTOSH,
    encoding_rs::SHIFT_JIS,
    encoding_rs::WINDOWS_874,
    encoding_rs::WINDOWS_1250,
    encoding_rs::WINDOWS_1251,
    encoding_rs::WINDOWS_1253,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1255,
    encoding_rs::WINDOWS_1256,
    encoding_rs::WINDOWS_1257,
    encoding_rs::WINDOWS_1258,
    encoding_rs::X_MAC_CYRILLIC,
];

// ---------------------------------------------------------------------------------------
// The case files
// ---------------------------------------------------------------------------------------

/// `plan.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    /// What the case shows, and where its markup comes from.
    description: String,
    /// Target -> replacement, as E.164 strings.
    #[serde(default)]
    swaps: Vec<(E164, E164)>,
    /// `rewrite.attributes`; default: `RewriteConfig`'s default list.
    attributes: Option<Vec<String>>,
    /// `rewrite.whatsapp_links`; default `false`.
    #[serde(default)]
    whatsapp_links: bool,
    /// The script policy; absent = no category declined.
    scripts: Option<ScriptsFile>,
    /// `rewrite.data_exclude_keys`; default none.
    #[serde(default)]
    data_exclude_keys: Vec<String>,
    /// `rewrite.data_swap`; default `true`.
    data_swap: Option<bool>,
    /// Insert the hydration guard (`"auto"` or `"always"`), as
    /// `<script data-dni-hydration-guard></script>`; default none.
    hydration_guard: Option<String>,
    /// Why the case cannot be written in windows-1252 (it then runs in UTF-8 and the other
    /// encodings that can encode it). Must be set exactly when windows-1252 cannot encode it.
    utf8_only: Option<String>,
    /// Further `charset` labels to send in Content-Type (e.g. `ISO-8859-1`), each with the
    /// full matrix, in the encoding the label names.
    #[serde(default)]
    charset_labels: Vec<String>,
    /// A real bug in the rewriter this case exposes: the runner asserts the case still fails
    /// somewhere, so it flips (and asks for this key to go) once fixed.
    known_failure: Option<String>,
}

/// `plan.json`'s `scripts`: the tag firewall as data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptsFile {
    /// Declined categories.
    declined: Vec<Category>,
    /// Vendors' scripts by host and path prefix; a `<script src>` they match is neutralised
    /// when their category is declined.
    #[serde(default)]
    blocked: Vec<BlockedScript>,
    /// Inline snippet signatures (case-insensitive substrings) and their category.
    #[serde(default)]
    signatures: Vec<(String, Category)>,
    /// `vendors.inline_script_attribute`, e.g. `data-dni-category`.
    inline_attribute: String,
}

/// The fixture's vendors as the rewriter's classifier.
struct FixtureClassifier(ScriptsFile);

impl TagClassifier for FixtureClassifier {
    fn script_src(&self, src: &str) -> Option<TagInfo> {
        self.0
            .blocked
            .iter()
            .find(|b| b.matches(src))
            .map(|b| TagInfo {
                category: b.category,
                google_tag: false,
            })
    }

    fn inline_script(&self, text: &str) -> Vec<TagInfo> {
        let lower = text.to_ascii_lowercase();
        self.0
            .signatures
            .iter()
            .filter(|(sig, _)| lower.contains(&sig.to_ascii_lowercase()))
            .map(|(_, category)| TagInfo {
                category: *category,
                google_tag: false,
            })
            .collect()
    }

    fn resource(&self, url: &str) -> Option<TagInfo> {
        self.script_src(url)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockedScript {
    /// Host of an absolute or protocol-relative `src` (ASCII case-insensitive, exact);
    /// absent: a relative (first-party) `src`.
    host: Option<String>,
    /// Path prefix (`/` when absent).
    #[serde(default = "root_path")]
    path: String,
    category: Category,
}

fn root_path() -> String {
    "/".into()
}

impl BlockedScript {
    fn matches(&self, src: &str) -> bool {
        let (host, path) = split_src(src);
        let host_ok = match (&self.host, host) {
            (Some(want), Some(got)) => want.eq_ignore_ascii_case(got),
            (None, None) => true,
            _ => false,
        };
        host_ok && path.starts_with(&self.path)
    }
}

/// Host (without port) and path of a script `src`: `https://h/p`, `//h/p`, or a relative
/// path (no host; made absolute from the site root).
fn split_src(src: &str) -> (Option<&str>, String) {
    let s = src.trim();
    let lower = s.to_ascii_lowercase();
    let rest = ["https:", "http:"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map_or(s, |p| &s[p.len()..]);
    match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find(['/', '?', '#']).unwrap_or(r.len());
            let host = r[..end].split(':').next().unwrap_or("");
            let path = if end == r.len() { "/" } else { &r[end..] };
            (Some(host), path.to_string())
        }
        None if rest.starts_with('/') => (None, rest.to_string()),
        None => (None, format!("/{rest}")),
    }
}

/// `expected-stats.json`: every [`RewriteStats`] field, absent ones 0 / false.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct StatsFile {
    numbers_swapped: u32,
    scripts_neutralised: u32,
    bailed_out: bool,
    data_numbers_swapped: u32,
    data_numbers_skipped: u32,
    payloads_unrecognised: u32,
    framework: Option<String>,
    hydration_guard_inserted: bool,
}

impl From<RewriteStats> for StatsFile {
    fn from(s: RewriteStats) -> Self {
        StatsFile {
            numbers_swapped: s.numbers_swapped,
            scripts_neutralised: s.scripts_neutralised,
            bailed_out: s.bailed_out,
            data_numbers_swapped: s.data_numbers_swapped,
            data_numbers_skipped: s.data_numbers_skipped,
            payloads_unrecognised: s.payloads_unrecognised,
            framework: s.framework.map(|f| f.as_str().to_string()),
            hydration_guard_inserted: s.hydration_guard_inserted,
        }
    }
}

struct Case {
    name: String,
    plan: PlanFile,
    input: String,
    expected: String,
    stats: Option<StatsFile>,
}

impl Case {
    fn load(dir: &Path) -> Result<Case, String> {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: folder name is not UTF-8", dir.display()))?
            .to_string();
        for entry in fs::read_dir(dir).map_err(|e| format!("{name}: {e}"))? {
            let entry = entry.map_err(|e| format!("{name}: {e}"))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if !CASE_FILES.contains(&file.as_str()) {
                return Err(format!(
                    "{name}: unexpected file `{file}` (a case holds {CASE_FILES:?})"
                ));
            }
        }
        let read = |file: &str| {
            fs::read_to_string(dir.join(file)).map_err(|e| format!("{name}/{file}: {e}"))
        };
        let plan: PlanFile = serde_json::from_str(&read("plan.json")?)
            .map_err(|e| format!("{name}/plan.json: {e}"))?;
        if plan.description.trim().is_empty() {
            return Err(format!("{name}/plan.json: empty description"));
        }
        let stats = if dir.join("expected-stats.json").exists() {
            let text = read("expected-stats.json")?;
            let stats = serde_json::from_str(&text)
                .map_err(|e| format!("{name}/expected-stats.json: {e}"))?;
            Some(stats)
        } else {
            None
        };
        Ok(Case {
            input: read("input.html")?,
            expected: read("expected.html")?,
            name,
            plan,
            stats,
        })
    }

    /// A fresh plan (a [`RewritePlan`] is consumed by each rewrite).
    fn rewrite_plan(&self) -> RewritePlan {
        let defaults = RewriteConfig::default();
        let config = RewriteConfig {
            attributes: self.plan.attributes.clone().unwrap_or(defaults.attributes),
            whatsapp_links: self.plan.whatsapp_links,
            data_exclude_keys: self.plan.data_exclude_keys.clone(),
            data_swap: self.plan.data_swap.unwrap_or(true),
            ..RewriteConfig::default()
        };
        let scripts = self.plan.scripts.clone().map(|s| TagFirewall {
            declined: s.declined.clone(),
            marker_attribute: s.inline_attribute.clone(),
            max_inline_script_bytes: DEFAULT_MAX_INLINE_SCRIPT_BYTES,
            classifier: std::rc::Rc::new(FixtureClassifier(s)),
        });
        let mut plan = RewritePlan::new(&config, self.plan.swaps.clone(), scripts);
        if let (Some(data), Some(mode)) = (plan.data.as_mut(), &self.plan.hydration_guard) {
            data.guard = Some(HydrationGuard {
                html: "<script data-dni-hydration-guard></script>".to_string(),
                placement: match mode.as_str() {
                    "always" => GuardPlacement::Always,
                    "auto" => GuardPlacement::Auto,
                    other => panic!("hydration_guard: `{other}` is not auto or always"),
                },
            });
        }
        plan
    }
}

/// Every case folder, sorted by name.
fn load_cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(FIXTURES)
        .unwrap_or_else(|e| panic!("{FIXTURES}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let (cases, errors): (Vec<_>, Vec<_>) =
        dirs.iter().map(|d| Case::load(d)).partition(Result::is_ok);
    let errors: Vec<String> = errors.into_iter().filter_map(Result::err).collect();
    assert!(errors.is_empty(), "bad fixtures:\n{}", errors.join("\n"));
    let cases: Vec<Case> = cases.into_iter().filter_map(Result::ok).collect();
    assert!(!cases.is_empty(), "no fixtures in {FIXTURES}");
    cases
}

// ---------------------------------------------------------------------------------------
// Encodings and chunkings
// ---------------------------------------------------------------------------------------

/// One encoding a case runs in: the Content-Type's charset label and the encoding it names.
#[derive(Clone, Copy)]
struct Charset<'a> {
    label: &'a str,
    encoding: &'static Encoding,
}

impl Charset<'_> {
    fn content_type(&self) -> String {
        format!("text/html; charset={}", self.label)
    }

    fn selected(&self) -> bool {
        env("DNI_ENCODING").is_none_or(|want| {
            want.eq_ignore_ascii_case(self.label) || want.eq_ignore_ascii_case(self.encoding.name())
        })
    }
}

/// `text` in `encoding`, or `None` when it cannot be written in it (unmappable characters,
/// or characters that do not round-trip, as lol_html's harness checks).
fn encode(text: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let (bytes, used, unmappable) = encoding.encode(text);
    if unmappable || used != encoding {
        return None;
    }
    (encoding.decode_without_bom_handling(&bytes).0 == text).then(|| bytes.into_owned())
}

/// The first character of `text` that `encoding` cannot write, with its line.
fn first_unencodable(text: &str, encoding: &'static Encoding) -> Option<String> {
    text.lines().enumerate().find_map(|(line, l)| {
        l.chars()
            .find(|c| encode(c.encode_utf8(&mut [0; 4]), encoding).is_none())
            .map(|c| format!("U+{:04X} `{c}` on line {}", c as u32, line + 1))
    })
}

#[derive(Debug, Clone, Copy)]
enum Chunking {
    Whole,
    Split(usize),
    Size(usize),
    Random(u64),
}

impl fmt::Display for Chunking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chunking::Whole | Chunking::Size(0) => write!(f, "whole"),
            Chunking::Split(at) => write!(f, "split at byte {at}"),
            Chunking::Size(n) => write!(f, "{n}-byte chunks"),
            Chunking::Random(seed) => write!(f, "random chunks, seed {seed}"),
        }
    }
}

impl Chunking {
    /// The output chunk sizes this chunking runs with.
    fn output_chunk_sizes(&self) -> &'static [usize] {
        match self {
            Chunking::Split(at) if at % 2 == 0 => &OUTPUT_CHUNK_SIZES[..1],
            Chunking::Split(_) => &OUTPUT_CHUNK_SIZES[1..],
            _ => &OUTPUT_CHUNK_SIZES,
        }
    }

    /// The environment variable that reruns exactly this chunking.
    fn reproduce(&self) -> String {
        match self {
            Chunking::Whole => "DNI_CHUNK_SIZE=0".into(),
            Chunking::Split(at) => format!("DNI_SPLIT={at}"),
            Chunking::Size(n) => format!("DNI_CHUNK_SIZE={n}"),
            Chunking::Random(seed) => format!("DNI_CHUNK_SEED={seed}"),
        }
    }

    /// The input chunks, each with whether to `flush` after writing it.
    fn chunks<'b>(&self, bytes: &'b [u8]) -> Vec<(&'b [u8], bool)> {
        let every_third = |v: Vec<&'b [u8]>| -> Vec<(&'b [u8], bool)> {
            v.into_iter()
                .enumerate()
                .map(|(i, c)| (c, i % 3 == 0))
                .collect()
        };
        match *self {
            Chunking::Whole | Chunking::Size(0) => vec![(bytes, false)],
            Chunking::Split(at) => {
                let (a, b) = bytes.split_at(at.min(bytes.len()));
                vec![(a, true), (b, false)]
            }
            Chunking::Size(n) => every_third(bytes.chunks(n).collect()),
            Chunking::Random(seed) => {
                let mut key = [0u8; 32];
                key[..8].copy_from_slice(&seed.to_le_bytes());
                let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
                // A largest chunk for this run, so that runs range from tiny to large chunks.
                let max = rng.random_range(1..=bytes.len().max(1));
                let mut out = Vec::new();
                let mut rest = bytes;
                while !rest.is_empty() {
                    let n = rng.random_range(1..=max).min(rest.len());
                    let (c, r) = rest.split_at(n);
                    out.push((c, rng.random_range(0..3) == 0));
                    rest = r;
                }
                out
            }
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_number(name: &str) -> Option<u64> {
    env(name).map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
    })
}

/// How thoroughly to chunk an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matrix {
    /// Whole, two chunks at every split point (sampled for long inputs), 1-byte chunks,
    /// [`DEFAULT_CHUNK_RUNS`] random chunkings.
    Full,
    /// Whole and [`OTHER_ENCODING_CHUNK_RUNS`] random chunkings.
    Light,
}

/// The split points of an input of `len` bytes: every offset, or for long inputs
/// [`SAMPLED_SPLITS`] of them, evenly spaced from an offset given by `seed`.
fn split_points(len: usize, seed: u64) -> Vec<usize> {
    if len <= SPLIT_EVERY_BYTE_UP_TO || env("DNI_ALL_SPLITS").is_some() {
        return (0..=len).collect();
    }
    let stride = (len + 1).div_ceil(SAMPLED_SPLITS);
    let phase = usize::try_from(seed % stride as u64).unwrap_or(0);
    (phase..=len).step_by(stride).collect()
}

/// The chunkings to run: the ones the environment asks for (reproducing a failure), else
/// those of `matrix`.
fn chunkings(len: usize, matrix: Matrix) -> Vec<Chunking> {
    let mut asked = Vec::new();
    if let Some(at) = env_number("DNI_SPLIT") {
        asked.push(Chunking::Split(at as usize));
    }
    if let Some(n) = env_number("DNI_CHUNK_SIZE") {
        asked.push(Chunking::Size(n as usize));
    }
    let seed = env_number("DNI_CHUNK_SEED");
    let runs = env_number("DNI_CHUNK_RUNS");
    if let (Some(seed), None) = (seed, runs) {
        asked.push(Chunking::Random(seed));
    }
    if !asked.is_empty() {
        return asked;
    }
    let seed = seed.unwrap_or(DEFAULT_CHUNK_SEED);
    let mut all = vec![Chunking::Whole];
    let default_runs = match matrix {
        Matrix::Full => {
            all.extend(split_points(len, seed).into_iter().map(Chunking::Split));
            all.push(Chunking::Size(1));
            DEFAULT_CHUNK_RUNS
        }
        Matrix::Light => OTHER_ENCODING_CHUNK_RUNS,
    };
    all.extend((0..runs.unwrap_or(default_runs)).map(|i| Chunking::Random(seed.wrapping_add(i))));
    all
}

// ---------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------

/// Rewrites `chunks`; checks the coalescing contract on the way (a chunk returned by
/// `write` is at least `output_chunk_bytes`; `flush` never returns an empty chunk).
fn rewrite(
    case: &Case,
    content_type: &str,
    chunks: &[(&[u8], bool)],
    output_chunk_bytes: usize,
) -> Result<(Vec<u8>, RewriteStats), String> {
    let mut rw = StreamRewriter::new(case.rewrite_plan(), content_type, output_chunk_bytes)
        .map_err(|e| format!("StreamRewriter::new: {e}"))?;
    let mut out = Vec::new();
    for (i, (chunk, flush)) in chunks.iter().enumerate() {
        match rw.write(chunk) {
            Ok(Some(o)) if o.len() < output_chunk_bytes => {
                return Err(format!(
                    "write #{i} returned {} bytes, fewer than the output chunk size",
                    o.len()
                ))
            }
            Ok(Some(o)) => out.extend(o),
            Ok(None) => {}
            Err(e) => return Err(format!("write #{i}: {e}")),
        }
        if *flush {
            match rw.flush() {
                Some(o) if o.is_empty() => return Err("flush returned an empty chunk".into()),
                Some(o) => out.extend(o),
                None => {}
            }
        }
    }
    let (rest, stats) = rw.end().map_err(|e| format!("end: {e}"))?;
    out.extend(rest);
    Ok((out, stats))
}

/// Where `actual` first differs from `expected`, with some context of each, decoded.
fn diff(expected: &[u8], actual: &[u8], encoding: &'static Encoding) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let line = expected[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let show = |b: &[u8]| {
        let from = at.saturating_sub(40);
        let to = (at + 40).min(b.len());
        let text = encoding.decode_without_bom_handling(&b[from.min(to)..to]).0;
        format!(
            "{}{text:?}{}",
            if from > 0 { "…" } else { "" },
            if to < b.len() { "…" } else { "" }
        )
    };
    format!(
        "output differs from expected.html at byte {at} (line {line}; expected {} bytes, got {}):\n    expected: {}\n    actual:   {}",
        expected.len(),
        actual.len(),
        show(expected),
        show(actual)
    )
}

/// The first failure of a case in one encoding (and how many runs failed).
struct Failure {
    case: String,
    label: String,
    chunking: Chunking,
    output_chunk_bytes: usize,
    message: String,
    failed_runs: usize,
    runs: usize,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "case `{}` [{}, {}, output chunks of {} byte(s)] ({} of {} runs failed):",
            self.case,
            self.label,
            self.chunking,
            self.output_chunk_bytes,
            self.failed_runs,
            self.runs
        )?;
        writeln!(f, "  {}", self.message)?;
        write!(
            f,
            "  reproduce: DNI_FIXTURE={} DNI_ENCODING={} {} cargo test -p dni-rewrite --test fixtures",
            self.case,
            self.label,
            self.chunking.reproduce()
        )
    }
}

/// Runs `case` in `charset` over `chunkings`; the first failure, if any.
fn run_case(
    case: &Case,
    charset: Charset<'_>,
    chunkings: &[Chunking],
    reference_stats: StatsFile,
) -> Result<usize, Failure> {
    let (Some(input), Some(expected)) = (
        encode(&case.input, charset.encoding),
        encode(&case.expected, charset.encoding),
    ) else {
        return Ok(0);
    };
    let want_stats = case.stats.clone().unwrap_or(reference_stats);
    let content_type = charset.content_type();
    let mut first: Option<Failure> = None;
    let mut failed_runs = 0;
    let mut runs = 0;
    for chunking in chunkings {
        let chunks = chunking.chunks(&input);
        for &output_chunk_bytes in chunking.output_chunk_sizes() {
            runs += 1;
            let problem = match rewrite(case, &content_type, &chunks, output_chunk_bytes) {
                Err(e) => Some(e),
                Ok((out, _)) if out != expected => Some(diff(&expected, &out, charset.encoding)),
                Ok((_, stats)) if StatsFile::from(stats) != want_stats => Some(format!(
                    "statistics differ:\n    expected: {want_stats:?}{}\n    actual:   {:?}",
                    if case.stats.is_some() {
                        " (expected-stats.json)"
                    } else {
                        " (the whole UTF-8 run's)"
                    },
                    StatsFile::from(stats)
                )),
                Ok(_) => None,
            };
            if let Some(message) = problem {
                failed_runs += 1;
                first.get_or_insert(Failure {
                    case: case.name.clone(),
                    label: charset.label.to_string(),
                    chunking: *chunking,
                    output_chunk_bytes,
                    message,
                    failed_runs: 0,
                    runs: 0,
                });
            }
        }
    }
    match first {
        Some(f) => Err(Failure {
            failed_runs,
            runs,
            ..f
        }),
        None => Ok(runs),
    }
}

/// The statistics of the whole UTF-8 run: what every other run must report when the case
/// has no `expected-stats.json`.
fn reference_stats(case: &Case) -> StatsFile {
    let input = case.input.as_bytes();
    rewrite(
        case,
        "text/html; charset=utf-8",
        &[(input, false)],
        64 * 1024,
    )
    .map(|(_, s)| s.into())
    .unwrap_or_default()
}

fn selected_cases() -> Vec<Case> {
    let filter = env("DNI_FIXTURE");
    load_cases()
        .into_iter()
        .filter(|c| filter.as_deref().is_none_or(|f| c.name.contains(f)))
        .collect()
}

/// The charsets of the full matrix for `case`: UTF-8, windows-1252 (unless `utf8_only`) and
/// the plan's extra labels. Errors when `utf8_only` is missing or stale.
fn full_matrix_charsets(case: &Case) -> Result<Vec<Charset<'_>>, String> {
    let mut out = vec![Charset {
        label: "utf-8",
        encoding: encoding_rs::UTF_8,
    }];
    let w1252 = encoding_rs::WINDOWS_1252;
    let unencodable = first_unencodable(&case.input, w1252)
        .map(|c| format!("input.html: {c}"))
        .or_else(|| {
            first_unencodable(&case.expected, w1252).map(|c| format!("expected.html: {c}"))
        });
    match (&case.plan.utf8_only, unencodable) {
        (None, Some(c)) => {
            return Err(format!(
                "case `{}`: windows-1252 cannot encode {c}; add \"utf8_only\": \"<why>\" to plan.json or write the character as an entity",
                case.name
            ))
        }
        (Some(_), None) => {
            return Err(format!(
                "case `{}`: plan.json says utf8_only but windows-1252 encodes the case: remove utf8_only",
                case.name
            ))
        }
        (Some(_), Some(_)) => {}
        (None, None) => out.push(Charset {
            label: "windows-1252",
            encoding: w1252,
        }),
    }
    for label in &case.plan.charset_labels {
        let encoding = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| format!("case `{}`: unknown charset label `{label}`", case.name))?;
        if encode(&case.input, encoding).is_none() || encode(&case.expected, encoding).is_none() {
            return Err(format!(
                "case `{}`: charset label `{label}` names {}, which cannot encode the case",
                case.name,
                encoding.name()
            ));
        }
        out.push(Charset { label, encoding });
    }
    Ok(out)
}

/// Runs every selected case (known failures aside) in the charsets `pick` chooses, with
/// the chunkings of `matrix`. Panics with every case's first failure.
fn check(what: &str, matrix: Matrix, pick: impl Fn(&Case) -> Result<Vec<Charset<'_>>, String>) {
    let cases = selected_cases();
    let mut problems = Vec::new();
    let (mut runs, mut checked) = (0, 0);
    for case in cases.iter().filter(|c| c.plan.known_failure.is_none()) {
        let charsets = match pick(case) {
            Ok(c) => c,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let stats = reference_stats(case);
        for charset in charsets.into_iter().filter(Charset::selected) {
            let chunkings = chunkings(
                encode(&case.input, charset.encoding).map_or(0, |b| b.len()),
                matrix,
            );
            match run_case(case, charset, &chunkings, stats.clone()) {
                Ok(0) => {}
                Ok(n) => {
                    runs += n;
                    checked += 1;
                }
                Err(f) => problems.push(f.to_string()),
            }
        }
    }
    println!("{what}: {checked} case/encoding pairs, {runs} rewrites");
    assert!(
        problems.is_empty(),
        "{} failure(s) ({what}):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn utf_8() {
    check("UTF-8", Matrix::Full, |_| {
        Ok(vec![Charset {
            label: "utf-8",
            encoding: encoding_rs::UTF_8,
        }])
    });
}

#[test]
fn windows_1252_and_extra_labels() {
    check("windows-1252 and extra labels", Matrix::Full, |case| {
        Ok(full_matrix_charsets(case)?.into_iter().skip(1).collect())
    });
}

#[test]
fn other_ascii_compatible_encodings() {
    check("other ASCII-compatible encodings", Matrix::Light, |_| {
        Ok(OTHER_ENCODINGS
            .iter()
            .map(|&encoding| Charset {
                label: encoding.name(),
                encoding,
            })
            .collect())
    });
}

/// A case marked `known_failure` must still fail somewhere in its full matrix; once the bug
/// is fixed this test fails and asks for the mark to go.
#[test]
fn known_failures_still_fail() {
    let mut problems = Vec::new();
    for case in selected_cases() {
        let Some(reason) = &case.plan.known_failure else {
            continue;
        };
        let charsets = match full_matrix_charsets(&case) {
            Ok(c) => c,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let stats = reference_stats(&case);
        let failures: Vec<Failure> = charsets
            .into_iter()
            .filter_map(|cs| {
                let len = encode(&case.input, cs.encoding).map_or(0, |b| b.len());
                run_case(&case, cs, &chunkings(len, Matrix::Full), stats.clone()).err()
            })
            .collect();
        match failures.first() {
            None => problems.push(format!(
                "case `{}` is marked known_failure ({reason}) but passes every run now: remove known_failure from its plan.json",
                case.name
            )),
            Some(f) => println!("known failure still fails ({reason}):\n{f}\n"),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Every folder is a complete, well-formed case; names are unique by construction. Also
/// checks the harness's own helpers.
#[test]
fn fixture_folders_are_well_formed() {
    let cases = load_cases();
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    println!("{} fixture cases: {names:?}", cases.len());
    for case in &cases {
        assert!(!case.input.is_empty(), "{}: empty input.html", case.name);
    }
    assert_eq!(
        split_src("https://Tracker.example:8443/t.js?x"),
        (Some("Tracker.example"), "/t.js?x".into())
    );
    assert_eq!(
        split_src("//cdn.example"),
        (Some("cdn.example"), "/".into())
    );
    assert_eq!(split_src("vendor/a.js"), (None, "/vendor/a.js".into()));
    assert_eq!(split_src("/vendor/a.js"), (None, "/vendor/a.js".into()));
    let bytes = [0u8; 100];
    let total: usize = Chunking::Random(7)
        .chunks(&bytes)
        .iter()
        .map(|(c, _)| c.len())
        .sum();
    assert_eq!(total, 100);
    assert_eq!(
        Chunking::Random(7).chunks(&bytes).len(),
        Chunking::Random(7).chunks(&bytes).len(),
        "a seed gives the same chunks every time"
    );
}

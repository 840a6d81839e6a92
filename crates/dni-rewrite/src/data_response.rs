//! [`DataRewriter`]: a data response (the JSON or React Server Component payload a framework
//! fetches on client-side navigation) streamed with its numbers swapped digit for digit,
//! and [`BodyRewriter`], either rewriter behind one interface for the body pump.

use dni_numbers::{DataStream, NumberSwapper, E164};

use crate::payload::{DataPlan, Framework};
use crate::plan::RewriteStats;
use crate::rewriter::{RewriteError, StreamRewriter};

/// Streams a UTF-8 data response with its numbers swapped. Bytes that are not UTF-8 make it
/// give up: from there on the body passes through unchanged (counted in
/// [`RewriteStats::payloads_unrecognised`]).
pub struct DataRewriter {
    swapper: NumberSwapper,
    stream: DataStream,
    plan: DataPlan,
    framework: Framework,
    /// The start of a UTF-8 sequence split by the chunking.
    partial: Vec<u8>,
    out: Vec<u8>,
    output_chunk_bytes: usize,
    gave_up: bool,
}

/// Whether a framework's data is a `devalue` array (excluded keys point at values by index).
fn is_devalue(f: Framework) -> bool {
    matches!(f, Framework::Nuxt | Framework::SvelteKit)
}

impl DataRewriter {
    pub fn new(
        swaps: &[(E164, E164)],
        plan: DataPlan,
        framework: Framework,
        output_chunk_bytes: usize,
    ) -> DataRewriter {
        let stream = if is_devalue(framework) && !plan.exclude_keys.is_empty() {
            DataStream::devalue()
        } else {
            DataStream::new()
        };
        DataRewriter {
            swapper: NumberSwapper::new(swaps),
            stream,
            plan,
            framework,
            partial: Vec::new(),
            out: Vec::new(),
            output_chunk_bytes: output_chunk_bytes.max(1),
            gave_up: false,
        }
    }

    /// Feeds input; returns a chunk once at least `output_chunk_bytes` are ready.
    pub fn write(&mut self, chunk: &[u8]) -> Option<Vec<u8>> {
        if self.gave_up {
            self.out.extend_from_slice(chunk);
        } else {
            self.partial.extend_from_slice(chunk);
            let bytes = std::mem::take(&mut self.partial);
            let (valid, rest) = match std::str::from_utf8(&bytes) {
                Ok(s) => (s, &[][..]),
                Err(e) => {
                    let (v, rest) = bytes.split_at(e.valid_up_to());
                    (std::str::from_utf8(v).unwrap_or(""), rest)
                }
            };
            let plan = &self.plan;
            let swapped = self
                .stream
                .push(&self.swapper, valid, &|k: &str| plan.excludes(k));
            self.out.extend_from_slice(swapped.as_bytes());
            let incomplete = std::str::from_utf8(rest)
                .err()
                .is_some_and(|e| e.error_len().is_none() && rest.len() < 4);
            if incomplete {
                self.partial = rest.to_vec();
            } else if !rest.is_empty() {
                self.give_up(rest);
            }
        }
        (self.out.len() >= self.output_chunk_bytes).then(|| std::mem::take(&mut self.out))
    }

    /// Not UTF-8: what is held goes out as it came, and the rest passes through.
    fn give_up(&mut self, rest: &[u8]) {
        let plan = &self.plan;
        let tail = self
            .stream
            .finish(&self.swapper, &|k: &str| plan.excludes(k));
        self.out.extend_from_slice(tail.as_bytes());
        self.out.extend_from_slice(rest);
        self.gave_up = true;
    }

    pub fn has_pending_output(&self) -> bool {
        !self.out.is_empty()
    }

    pub fn flush(&mut self) -> Option<Vec<u8>> {
        (!self.out.is_empty()).then(|| std::mem::take(&mut self.out))
    }

    /// Ends the input: the rest of the output and the statistics.
    pub fn end(mut self) -> (Vec<u8>, RewriteStats) {
        if !self.gave_up {
            let plan = &self.plan;
            let tail = self
                .stream
                .finish(&self.swapper, &|k: &str| plan.excludes(k));
            self.out.extend_from_slice(tail.as_bytes());
            // A truncated UTF-8 sequence at the very end goes out as it came.
            self.out.extend_from_slice(&self.partial);
        }
        let stats = RewriteStats {
            data_numbers_swapped: self.stream.count(),
            data_numbers_skipped: self.stream.skipped(),
            payloads_unrecognised: u32::from(self.gave_up),
            framework: Some(self.framework),
            ..RewriteStats::default()
        };
        (self.out, stats)
    }
}

/// The rewriter of one response body: an HTML page or a data response.
pub enum BodyRewriter {
    Html(Box<StreamRewriter>),
    Data(Box<DataRewriter>),
}

impl BodyRewriter {
    /// See [`StreamRewriter::write`].
    pub fn write(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, RewriteError> {
        match self {
            BodyRewriter::Html(r) => r.write(chunk),
            BodyRewriter::Data(r) => Ok(r.write(chunk)),
        }
    }

    pub fn has_pending_output(&self) -> bool {
        match self {
            BodyRewriter::Html(r) => r.has_pending_output(),
            BodyRewriter::Data(r) => r.has_pending_output(),
        }
    }

    pub fn flush(&mut self) -> Option<Vec<u8>> {
        match self {
            BodyRewriter::Html(r) => r.flush(),
            BodyRewriter::Data(r) => r.flush(),
        }
    }

    pub fn end(self) -> Result<(Vec<u8>, RewriteStats), RewriteError> {
        match self {
            BodyRewriter::Html(r) => r.end(),
            BodyRewriter::Data(r) => Ok(r.end()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    fn run(framework: Framework, keys: &[&str], chunks: &[&[u8]]) -> (Vec<u8>, RewriteStats) {
        let plan = DataPlan {
            swap: true,
            exclude_keys: keys.iter().map(|k| k.to_string()).collect(),
            ..DataPlan::default()
        };
        let mut rw = DataRewriter::new(
            &[(n("+15035550142"), n("+15035550170"))],
            plan,
            framework,
            16,
        );
        let mut out = Vec::new();
        for c in chunks {
            out.extend(rw.write(c).unwrap_or_default());
        }
        out.extend(rw.flush().unwrap_or_default());
        let (rest, stats) = rw.end();
        out.extend(rest);
        (out, stats)
    }

    #[test]
    fn json_is_swapped_at_every_split_utf8_included() {
        let body = r#"{"pageProps":{"name":"Café ☎","phone":"(503) 555-0142","invoiceId":"5035550142"},"__N_SSG":true}"#.as_bytes();
        let (whole, stats) = run(Framework::NextPages, &["invoiceId"], &[body]);
        let expected = String::from_utf8(body.to_vec())
            .unwrap()
            .replace("(503) 555-0142", "(503) 555-0170");
        assert_eq!(String::from_utf8(whole).unwrap(), expected);
        assert_eq!(
            (stats.data_numbers_swapped, stats.data_numbers_skipped),
            (1, 1)
        );
        assert_eq!(stats.framework, Some(Framework::NextPages));
        for i in 0..=body.len() {
            let (a, b) = body.split_at(i);
            let (out, s) = run(Framework::NextPages, &["invoiceId"], &[a, b]);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "split at {i}");
            assert_eq!(s, stats);
        }
    }

    #[test]
    fn nuxt_payloads_exclude_by_index() {
        let body = br#"[{"data":1},{"invoiceId":2,"phone":3},"5035550142","(503) 555-0142"]"#;
        let (out, stats) = run(Framework::Nuxt, &["invoiceId"], &[body]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"[{"data":1},{"invoiceId":2,"phone":3},"5035550142","(503) 555-0170"]"#
        );
        assert_eq!(
            (stats.data_numbers_swapped, stats.data_numbers_skipped),
            (1, 1)
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_pass_through_from_there() {
        let mut body = br#"{"a":"(503) 555-0142","b":""#.to_vec();
        body.push(0xff);
        body.extend_from_slice(br#"","c":"(503) 555-0142"}"#);
        let (out, stats) = run(Framework::DataIsland, &[], &[&body]);
        let mut expected = br#"{"a":"(503) 555-0170","b":""#.to_vec();
        expected.push(0xff);
        expected.extend_from_slice(br#"","c":"(503) 555-0142"}"#);
        assert_eq!(out, expected);
        assert_eq!(
            (stats.data_numbers_swapped, stats.payloads_unrecognised),
            (1, 1)
        );
        // A truncated sequence at the very end is kept.
        let (out, _) = run(Framework::DataIsland, &[], &[b"\"x\xe2\x98"]);
        assert_eq!(out, b"\"x\xe2\x98");
    }
}

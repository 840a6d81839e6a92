//! The state of inline `<script>` handling during one rewrite ([`Scripts`]): a script held
//! back while its fate depends on its text (the tag firewall decides from the whole text; an
//! application payload is recognised from its first bytes), or a payload whose text streams
//! with its numbers swapped (digit for digit, see [`dni_numbers::DataStream`]). The handlers
//! that drive it are in `handlers/script.rs`.

use std::cell::{Cell, RefCell};

use dni_numbers::DataStream;
use encoding_rs::Encoding;

use crate::payload::{Framework, ScriptKind};
use crate::window::InputWindow;

/// Input kept to give held-back start tags back byte for byte (longer ones are rebuilt).
const WINDOW_BYTES: usize = 64 * 1024;

/// An inline script held back until enough of its text is known.
pub(crate) struct PendingScript {
    /// The original start tag, as sent (decoded to text).
    pub raw: String,
    /// Its attributes (for the neutralised form).
    pub attrs: Vec<(String, String)>,
    pub text: String,
    /// The firewall decides from the text.
    pub classify: bool,
    pub kind: ScriptKind,
}

/// Numbers in a payload script's text, as it streams.
pub(crate) struct Payload {
    pub stream: DataStream,
    pub framework: Framework,
    /// `false`: not a known payload; numbers are only counted (see
    /// [`crate::plan::RewriteStats::payloads_unrecognised`]), the text is left as it is.
    pub swap: bool,
}

/// Where the script being parsed is.
pub(crate) enum ScriptState {
    Idle,
    Held(Box<PendingScript>),
    /// Decided: the rest of the text streams, through the payload's swap if any.
    Streaming(Option<Box<Payload>>),
}

/// The script state of one rewrite.
pub(crate) struct Scripts {
    pub state: RefCell<ScriptState>,
    pub window: RefCell<InputWindow>,
    /// The page's encoding (a held start tag is decoded with it).
    pub encoding: Cell<&'static Encoding>,
}

impl Scripts {
    pub(crate) fn new(encoding: &'static Encoding) -> Scripts {
        Scripts {
            state: RefCell::new(ScriptState::Idle),
            window: RefCell::new(InputWindow::new(WINDOW_BYTES)),
            encoding: Cell::new(encoding),
        }
    }
}

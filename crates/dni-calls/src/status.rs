//! A call's status as the providers report it, in one vocabulary.

use serde::{Deserialize, Serialize};

/// A call's status, common to every provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Ringing (or queued): not answered yet.
    Ringing,
    /// Answered, in progress.
    InProgress,
    /// Ended after being answered.
    Completed,
    Busy,
    NoAnswer,
    /// The caller hung up before an answer.
    Canceled,
    Failed,
    /// A provider value consent-dni does not know; never stored over a known status.
    Unknown,
}

impl CallStatus {
    /// The call has ended (no later status replaces this one).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CallStatus::Completed
                | CallStatus::Busy
                | CallStatus::NoAnswer
                | CallStatus::Canceled
                | CallStatus::Failed
        )
    }

    /// `ringing`, `in_progress`, `completed`, …
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "in_progress",
            CallStatus::Completed => "completed",
            CallStatus::Busy => "busy",
            CallStatus::NoAnswer => "no_answer",
            CallStatus::Canceled => "canceled",
            CallStatus::Failed => "failed",
            CallStatus::Unknown => "unknown",
        }
    }
}

//! A submit whose answer was lost, and what fal's own records said of it: kept with the job
//! (when the submit went out is the record's `submit_sent_at`) so that the history says how
//! it was settled, and whoever settles it next (`resume`, the workbench's start, `history
//! check`) knows whether asking again can help. Read tolerantly: older records have none, and
//! a verdict a newer i2v wrote is kept as its word.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LostSubmit {
    /// Why its answer is unknown: a timeout, a dropped connection.
    #[serde(default)]
    pub reason: String,
    /// The last time fal's records were asked about it.
    #[serde(default)]
    pub checked_at: Option<DateTime<Utc>>,
    /// What they said, once they said something final.
    #[serde(default)]
    pub verdict: Option<Verdict>,
}

/// What fal's records said of a lost submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// fal has the request: the job follows it.
    Found,
    /// fal's records showed nothing like it long enough after the submit: it was not made.
    NotMade,
    /// fal kept no payloads (`X-Fal-Store-IO: 0`), so its records cannot tell.
    NoPayloads,
    /// fal's records could not be read (unreachable, refused); asking again may settle it.
    Unreachable,
    /// A word a newer i2v wrote.
    Other(String),
}

impl Verdict {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Found => "found",
            Self::NotMade => "not_made",
            Self::NoPayloads => "no_payloads",
            Self::Unreachable => "unreachable",
            Self::Other(word) => word,
        }
    }

    /// Whether asking fal's records again could change it.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Unreachable | Self::Other(_))
    }
}

impl From<&str> for Verdict {
    fn from(word: &str) -> Self {
        match word {
            "found" => Self::Found,
            "not_made" => Self::NotMade,
            "no_payloads" => Self::NoPayloads,
            "unreachable" => Self::Unreachable,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Verdict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|word| Self::from(word.as_str()))
    }
}

impl LostSubmit {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            checked_at: None,
            verdict: None,
        }
    }

    /// Settled for good: fal's records gave an answer that asking again cannot change.
    pub fn is_settled(&self) -> bool {
        self.verdict.as_ref().is_some_and(Verdict::is_final)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_round_trip_and_keep_unknown_words() {
        for word in [
            "found",
            "not_made",
            "no_payloads",
            "unreachable",
            "newer_word",
        ] {
            let verdict = Verdict::from(word);
            let json = serde_json::to_string(&verdict).unwrap();
            assert_eq!(json, format!("\"{word}\""));
            assert_eq!(serde_json::from_str::<Verdict>(&json).unwrap(), verdict);
        }
        assert!(Verdict::Found.is_final() && Verdict::NoPayloads.is_final());
        assert!(!Verdict::Unreachable.is_final());
        assert!(!Verdict::from("newer_word").is_final());
    }

    #[test]
    fn reads_with_any_field_missing() {
        let lost: LostSubmit = serde_json::from_str("{}").unwrap();
        assert_eq!(lost.reason, "");
        assert!(!lost.is_settled());
    }
}

use std::fmt;
use std::str::FromStr;

/// Which frame of a video: by place, or by time from its start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    First,
    Middle,
    Last,
    /// Seconds from the start: the frame on screen at that moment.
    At(f64),
}

impl Position {
    /// The three frames that sum a clip up.
    pub const STRIP: [Position; 3] = [Position::First, Position::Middle, Position::Last];

    /// A name fit for a file name: `first`, `middle`, `last`, or `2.5s`.
    pub fn slug(&self) -> String {
        match self {
            Position::First => "first".into(),
            Position::Middle => "middle".into(),
            Position::Last => "last".into(),
            Position::At(seconds) => format!("{seconds}s"),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::At(seconds) => write!(f, "{seconds} s"),
            other => f.write_str(&other.slug()),
        }
    }
}

impl FromStr for Position {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "first" => Ok(Position::First),
            "middle" => Ok(Position::Middle),
            "last" => Ok(Position::Last),
            other => match other.trim_end_matches('s').parse::<f64>() {
                Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(Position::At(seconds)),
                _ => Err(format!(
                    "`{other}` is not a position: give first, middle, last or seconds (e.g. 2.5)"
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_seconds() {
        assert_eq!("first".parse(), Ok(Position::First));
        assert_eq!("last".parse(), Ok(Position::Last));
        assert_eq!("middle".parse(), Ok(Position::Middle));
        assert_eq!("2.5".parse(), Ok(Position::At(2.5)));
        assert_eq!("3s".parse(), Ok(Position::At(3.0)));
        assert_eq!("0".parse(), Ok(Position::At(0.0)));
        for bad in ["-1", "nan", "inf", "end", ""] {
            assert!(bad.parse::<Position>().is_err(), "{bad}");
        }
    }
}

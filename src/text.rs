//! Making untrusted text (fal logs, error messages, history files) safe to draw: a log line
//! must never be able to move the cursor, retitle the window, write the clipboard or flip the
//! reading direction of what follows it.

/// Strips ANSI/OSC/DCS escape sequences, then every remaining control character (C0, DEL,
/// C1) and the bidi embedding/override/isolate characters. Tabs become spaces first, because
/// the escape stripper would drop them and glue words together.
pub fn sanitize(s: &str) -> String {
    // Nearly all text is already clean; skip the escape parser for it.
    if !s.chars().any(|c| c == '\t' || is_unsafe(c)) {
        return s.to_owned();
    }
    let untabbed = s.replace('\t', "    ");
    let stripped = strip_ansi_escapes::strip_str(&untabbed);
    stripped.chars().filter(|&c| !is_unsafe(c)).collect()
}

/// [`sanitize`] for text whose line breaks matter (a prompt, a multi-line error): one
/// sanitized string per line, `\r\n` and `\n` both ending a line.
pub fn sanitize_lines(s: &str) -> Vec<String> {
    s.split('\n').map(sanitize).collect()
}

/// [`sanitize`] for one line (the status bar, a desktop notification): each line trimmed and
/// the lines joined by one space, so a multi-line error (a 422 lists each field on a line of
/// its own, indented) reads as one sentence instead of keeping the indent as a double space.
pub fn sanitize_one_line(s: &str) -> String {
    let lines: Vec<String> = sanitize_lines(s)
        .into_iter()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect();
    lines.join(" ")
}

fn is_unsafe(c: char) -> bool {
    // `char::is_control` is exactly C0, DEL and C1. Then the bidi controls: embeddings and
    // overrides, isolates, and the invisible marks (LRM, RLM, ALM) that also reorder text.
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
        )
}

/// A URL from fal or a history file, fit to print: re-serialised by the `url` crate, which
/// percent-encodes every control and non-ASCII character (so the printed URL still works),
/// or just [`sanitize`]d if it does not parse.
pub fn printable_url(s: &str) -> String {
    match url::Url::parse(s) {
        Ok(url) => sanitize(url.as_str()),
        Err(_) => sanitize(s),
    }
}

/// `s` unchanged if it is fit for the clipboard: an http(s) URL with no control or bidi
/// characters (pasted into a shell, `ESC[201~` plus a newline ends a bracketed paste and runs
/// what follows). Otherwise why not.
pub fn copyable_url(s: &str) -> Result<&str, String> {
    if s.chars().any(is_unsafe) {
        return Err("the video URL holds control characters, so it was not copied".into());
    }
    match url::Url::parse(s) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(s),
        Ok(_) => Err("the video URL is not http(s), so it was not copied".into()),
        Err(err) => Err(format!(
            "the video URL does not parse ({err}), so it was not copied"
        )),
    }
}

/// JSON text with every character [`sanitize`] would strip but serde_json leaves raw (DEL, C1,
/// bidi controls) written as `\uXXXX`: the same data for a JSON reader, inert on a terminal.
/// serde_json already escapes C0 inside strings, so a raw C0 character (a pretty-printer's
/// newline) is layout and stays.
pub fn escape_json_controls(json: &str) -> String {
    let needs_escape = |c: char| c >= ' ' && is_unsafe(c);
    // ASCII without DEL, nearly every line of a long listing, needs no look at characters.
    let plain = json.is_ascii() && !json.as_bytes().contains(&0x7f);
    if plain || !json.chars().any(needs_escape) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// An error and its causes on one line, "could not X: because Y", leaving out a cause the
/// line already holds: many errors print their source themselves, and the chain would then
/// say it twice ("…: Read-only file system (os error 30): Read-only file system (os error
/// 30)").
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.is_empty() {
            line = text;
        } else if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_says_each_cause_once() {
        let os = std::io::Error::from_raw_os_error(30);
        let inner = anyhow::Error::new(i2v_store::StoreError::Io {
            path: "/data/jobs".into(),
            source: os,
        });
        let err = inner.context("could not open the history");
        assert_eq!(
            error_chain(&err),
            "could not open the history: /data/jobs: Read-only file system (os error 30)"
        );
        let plain = anyhow::anyhow!("root cause").context("outer");
        assert_eq!(error_chain(&plain), "outer: root cause");
    }

    #[test]
    fn one_line_joins_lines_with_one_space() {
        assert_eq!(
            sanitize_one_line("fal rejected the input:\n  prompt: too long\r\n  image_url: bad\n"),
            "fal rejected the input: prompt: too long image_url: bad"
        );
        assert_eq!(sanitize_one_line("plain"), "plain");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(
            sanitize("a cat, walking — slowly ✓ 猫"),
            "a cat, walking — slowly ✓ 猫"
        );
    }

    #[test]
    fn csi_colour_and_cursor_moves_are_removed() {
        assert_eq!(
            sanitize("\x1b[31mred\x1b[0m \x1b[2J\x1b[10;5Hmoved"),
            "red moved"
        );
    }

    #[test]
    fn osc_title_and_clipboard_writes_are_removed() {
        // BEL-terminated and ST-terminated OSC: window title, OSC 52 clipboard, hyperlinks.
        let s =
            "a\x1b]0;pwned\x07b\x1b]52;c;ZXZpbA==\x1b\\c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\";
        assert_eq!(sanitize(s), "abclink");
    }

    #[test]
    fn dcs_sequences_are_removed() {
        assert_eq!(sanitize("x\x1bP1$qm\x1b\\y"), "xy");
    }

    #[test]
    fn c0_c1_and_del_are_removed() {
        assert_eq!(
            sanitize("a\x00b\x07c\x08d\x7fe\u{85}f\u{9b}31mg\rh"),
            "abcdef31mgh"
        );
    }

    #[test]
    fn newlines_are_removed_by_sanitize_but_split_by_sanitize_lines() {
        assert_eq!(sanitize("one\ntwo"), "onetwo");
        assert_eq!(sanitize_lines("one\r\ntwo\x1b[1m\n"), ["one", "two", ""]);
    }

    #[test]
    fn bidi_overrides_and_isolates_are_removed() {
        assert_eq!(
            sanitize("abc\u{202E}fed\u{202C} \u{2066}x\u{2069}"),
            "abcfed x"
        );
    }

    #[test]
    fn bidi_marks_are_removed() {
        assert_eq!(sanitize("a\u{200E}b\u{200F}c\u{061C}d"), "abcd");
    }

    #[test]
    fn urls_print_percent_encoded_and_copy_only_when_clean() {
        let hostile = "https://cdn.example/v.mp4?x=\x1b[201~\u{9b}31m\u{202e}";
        let printed = printable_url(hostile);
        assert!(
            printed.is_ascii() && !printed.chars().any(|c| c.is_control()),
            "{printed}"
        );
        assert!(
            printed.starts_with("https://cdn.example/v.mp4?x=%1B[201~"),
            "{printed}"
        );
        assert!(copyable_url(hostile).is_err());
        assert!(copyable_url("javascript:alert(1)").is_err());
        assert_eq!(
            copyable_url("https://cdn.example/v.mp4"),
            Ok("https://cdn.example/v.mp4")
        );
    }

    #[test]
    fn json_keeps_its_data_but_escapes_c1_and_bidi() {
        let value = serde_json::json!({"url": "a\u{9b}b\u{202e}c\u{7f}"});
        let text = escape_json_controls(&serde_json::to_string(&value).unwrap());
        assert!(!text.chars().any(is_unsafe), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        let pretty = escape_json_controls(&serde_json::to_string_pretty(&value).unwrap());
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&pretty).unwrap(),
            value
        );
        // ASCII, but not plain: DEL alone.
        assert_eq!(escape_json_controls("\"a\u{7f}b\""), "\"a\\u007fb\"");
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(sanitize("a\tb"), "a    b");
    }

    #[test]
    fn no_escape_survives_a_mixed_attack() {
        let s = "\x1b[?1049h\x1b]1337;File=:AAAA\x07\u{9d}0;t\u{9c}\x1b7\x1b[999;999H\x1bc ok";
        let out = sanitize(s);
        assert!(!out.chars().any(|c| c.is_control()), "{out:?}");
        assert!(out.ends_with("ok"), "{out:?}");
    }
}

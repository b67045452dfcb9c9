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

fn is_unsafe(c: char) -> bool {
    // `char::is_control` is exactly C0, DEL and C1.
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

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

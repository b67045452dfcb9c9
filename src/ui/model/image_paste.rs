//! What a file manager pastes for a file, turned into the path it means: drag-and-drop and
//! "copy" give `'/path/my frame.png'`, `/path/my\ frame.png` or `file:///path/my%20frame.png`.

/// The path (or URL) `pasted` stands for; text that is none of those forms is kept as is.
pub(crate) fn clean(pasted: &str) -> String {
    let text = pasted.trim();
    let unquoted = ['\'', '"']
        .into_iter()
        .find_map(|q| text.strip_prefix(q)?.strip_suffix(q))
        .map(str::to_owned);
    if let Some(path) = unquoted {
        return path;
    }
    if text.starts_with("file://") {
        // Percent-decoded, and only for this host: `file://otherhost/…` is not a local file.
        if let Some(path) = url::Url::parse(text)
            .ok()
            .and_then(|u| u.to_file_path().ok())
        {
            return path.to_string_lossy().into_owned();
        }
        return text.to_owned();
    }
    if text.contains('\\') && !text.contains("://") {
        return unescape(text);
    }
    text.to_owned()
}

/// Shell-style backslash escapes: `\ ` is a space, `\\` a backslash.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn file_manager_forms_become_paths() {
        assert_eq!(clean("'/tmp/my frame.png'"), "/tmp/my frame.png");
        assert_eq!(clean("\"/tmp/my frame.png\""), "/tmp/my frame.png");
        assert_eq!(clean("/tmp/my\\ frame\\(1\\).png"), "/tmp/my frame(1).png");
        assert_eq!(clean("file:///tmp/my%20frame.png"), "/tmp/my frame.png");
        assert_eq!(
            clean("https://x.test/a%20b.png"),
            "https://x.test/a%20b.png"
        );
        assert_eq!(clean("  frames/cat.png "), "frames/cat.png");
    }
}

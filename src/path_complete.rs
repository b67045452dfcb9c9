//! Tab in the image field: completing a local path, as a shell does, offering only what the
//! field can take (folders, and files named as PNG, JPEG or WebP images: their content is
//! checked once chosen). `~` and `~/…` complete in the home folder and stay written so.

use std::path::{Path, PathBuf};

/// Names are matched by their extension only: opening every file of a folder to sniff it
/// would make Tab slow on a big one.
const IMAGE_EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "webp"];

/// The most names a completion lists.
pub const MAX_LISTED: usize = 200;

/// What Tab does to the field's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The field's new text: the one match whole (a folder with its `/`), or as far as all
    /// matches agree.
    pub text: String,
    /// The matches' names (folders ending in `/`), sorted, when more than one; at most
    /// [`MAX_LISTED`].
    pub choices: Vec<String>,
    /// More matched than [`MAX_LISTED`].
    pub more: bool,
}

/// Completes `text`, a path relative to `cwd` or absolute or under `~`; `None` when there is
/// nothing to complete (no match, a URL, an empty field), so Tab can leave the field.
pub fn complete(text: &str, cwd: &Path, home: Option<&Path>) -> Option<Completion> {
    if text.is_empty() || text.contains("://") || text.starts_with("data:") {
        return None;
    }
    // `~` alone is the home folder: complete it to `~/`.
    if text == "~" {
        return home.filter(|h| h.is_dir()).map(|_| Completion {
            text: "~/".to_owned(),
            choices: Vec::new(),
            more: false,
        });
    }
    let (folder_text, partial) = match text.rfind('/') {
        Some(slash) => (&text[..=slash], &text[slash + 1..]),
        None => ("", text),
    };
    let folder = resolve(folder_text, cwd, home)?;
    let mut names = matches(&folder, partial);
    if names.is_empty() {
        return None;
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    if let [(name, is_dir)] = names.as_slice() {
        let slash = if *is_dir { "/" } else { "" };
        let whole = format!("{folder_text}{name}{slash}");
        return (whole != text).then_some(Completion {
            text: whole,
            choices: Vec::new(),
            more: false,
        });
    }
    let all: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    let common = common_prefix(&all);
    // Typing never loses letters (a match ignoring case may share less than was typed).
    let extended = if common.chars().count() >= partial.chars().count() {
        common.to_owned()
    } else {
        partial.to_owned()
    };
    let more = names.len() > MAX_LISTED;
    let choices = names
        .into_iter()
        .take(MAX_LISTED)
        .map(|(name, is_dir)| if is_dir { format!("{name}/") } else { name })
        .collect();
    Some(Completion {
        text: format!("{folder_text}{extended}"),
        choices,
        more,
    })
}

/// The folder `folder_text` (empty, or ending in `/`) names.
fn resolve(folder_text: &str, cwd: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let folder = if folder_text.is_empty() {
        cwd.to_path_buf()
    } else if let Some(rest) = folder_text.strip_prefix("~/") {
        home?.join(rest)
    } else {
        cwd.join(folder_text)
    };
    folder.is_dir().then_some(folder)
}

/// The folders and images in `folder` whose names start with `partial` (case first as
/// typed, else ignoring case); hidden ones only when `partial` starts with a dot.
fn matches(folder: &Path, partial: &str) -> Vec<(String, bool)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut exact = Vec::new();
    let mut loose = Vec::new();
    let lower = partial.to_lowercase();
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') && !partial.starts_with('.') {
            continue;
        }
        let case_exact = name.starts_with(partial);
        if !case_exact && !name.to_lowercase().starts_with(&lower) {
            continue;
        }
        // Through a link: a link to a folder is a folder.
        let is_dir = entry.path().is_dir();
        if !is_dir && !is_image_name(&name) {
            continue;
        }
        match case_exact {
            true => exact.push((name, is_dir)),
            false => loose.push((name, is_dir)),
        }
    }
    if exact.is_empty() { loose } else { exact }
}

fn is_image_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The longest start all `names` share (whole characters).
fn common_prefix<'a>(names: &[&'a str]) -> &'a str {
    let Some((first, rest)) = names.split_first() else {
        return "";
    };
    let mut end = first.len();
    for name in rest {
        let shared = first
            .char_indices()
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(first.len().min(name.len()), |((at, _), _)| at);
        end = end.min(shared);
    }
    &first[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["shots", "shoots", "Stills", ".hidden", "frames"] {
            std::fs::create_dir(dir.path().join(folder)).unwrap();
        }
        for file in [
            "shot-01.png",
            "shot-02.JPG",
            "shot-notes.txt",
            "clip.mp4",
            "frames/a.webp",
            "frames/b.jpeg",
            ".hidden/x.png",
        ] {
            std::fs::write(dir.path().join(file), b"x").unwrap();
        }
        dir
    }

    fn tab(text: &str, cwd: &Path) -> Option<Completion> {
        complete(text, cwd, Some(cwd))
    }

    #[test]
    fn one_match_completes_whole_and_a_folder_gets_its_slash() {
        let dir = tree();
        assert_eq!(tab("fr", dir.path()).unwrap().text, "frames/");
        assert_eq!(tab("frames/a", dir.path()).unwrap().text, "frames/a.webp");
        assert_eq!(tab("St", dir.path()).unwrap().text, "Stills/");
        // Already whole: nothing to do.
        assert_eq!(tab("frames/a.webp", dir.path()), None);
    }

    #[test]
    fn several_matches_extend_to_what_they_share_and_list_images_and_folders_only() {
        let dir = tree();
        let done = tab("sh", dir.path()).unwrap();
        assert_eq!(done.text, "sho");
        assert_eq!(
            done.choices,
            ["shoots/", "shot-01.png", "shot-02.JPG", "shots/"]
        );
        let done = tab("shot", dir.path()).unwrap();
        assert_eq!(done.text, "shot");
        assert_eq!(done.choices, ["shot-01.png", "shot-02.JPG", "shots/"]);
    }

    #[test]
    fn nothing_to_complete_is_none() {
        let dir = tree();
        for text in [
            "",
            "clip",
            "zzz",
            "https://example.com/a",
            "nowhere/x",
            "shot-notes",
        ] {
            assert_eq!(tab(text, dir.path()), None, "{text:?}");
        }
    }

    #[test]
    fn the_home_folder_and_hidden_names() {
        let dir = tree();
        assert_eq!(tab("~", dir.path()).unwrap().text, "~/");
        assert_eq!(tab("~/fr", dir.path()).unwrap().text, "~/frames/");
        assert_eq!(complete("~/fr", Path::new("/"), None), None);
        assert_eq!(tab(".h", dir.path()).unwrap().text, ".hidden/");
        let all = tab("~/", dir.path()).unwrap();
        assert!(!all.choices.iter().any(|c| c.starts_with('.')), "{all:?}");
    }

    #[test]
    fn case_is_ignored_only_when_nothing_matches_as_typed() {
        let dir = tree();
        assert_eq!(tab("st", dir.path()).unwrap().text, "Stills/");
        let absolute = format!("{}/FRAMES/", dir.path().display());
        assert_eq!(
            tab(&absolute, dir.path()),
            None,
            "the folder part is taken as typed"
        );
    }
}

//! The files import in one direction, and this test keeps it that way (as `readme.rs` keeps
//! the README's key table true). It reads every source file of the crate: `mod` declarations
//! give the module tree, `use` declarations and `crate::`, `super::` and `self::` paths the
//! files each one imports (through re-exports, to the file that defines the item; a `mod.rs`
//! or `lib.rs` re-exporting an item does not import it, it gives its module a face). It fails
//! on
//!
//! - a file of the workbench (`src/ui`) importing a layer above its own: model → kit →
//!   overlays → panes → shell → edge, each importing only those before it;
//! - a pane importing another pane, or an overlay another overlay: each stands on its own,
//!   and what they share is in the kit;
//! - a file outside `src/ui` importing the workbench, other than the command that starts
//!   it: the engine and the rest know nothing of the UI;
//! - any cycle between files, in this crate or any other of the workspace (`crates/*`),
//!
//! naming both files, and the line that imports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The workbench's layers, lowest first: a file may import its own layer and those below.
const LAYERS: [(&str, &str); 6] = [
    ("model", "src/ui/model/"),
    ("kit", "src/ui/kit/"),
    ("overlays", "src/ui/overlays/"),
    ("panes", "src/ui/panes/"),
    ("shell", "src/ui/shell/"),
    ("edge", "src/ui/edge/"),
];

/// Layers whose files are components, each standing on its own: none imports another.
const ALONE: [&str; 2] = ["src/ui/overlays/", "src/ui/panes/"];

/// Files outside `src/ui` that may import it: the command that starts the workbench.
const UI_USERS: [&str; 1] = ["src/cli/workbench.rs"];

/// The workspace's other crates (each a library), checked for cycles.
const CRATES: [&str; 5] = [
    "crates/fal",
    "crates/film",
    "crates/sim",
    "crates/store",
    "crates/video",
];

/// Cycles allowed to stand while they are cut. Empty: every cycle fails, naming its files.
/// (A listed cycle that no longer exists fails too, so the list only shrinks.)
const KNOWN_CYCLES: &[&[&str]] = &[];

#[test]
fn the_workbench_imports_in_one_direction_and_no_files_import_each_other_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = read_sources(root, "src");
    let graph = Graph::of(&sources, "src/lib.rs");
    let mut problems = layer_problems(&graph);
    problems.extend(cycle_problems(&graph, KNOWN_CYCLES));
    // The workspace's other crates: no cycles there either.
    for krate in CRATES {
        let src = format!("{krate}/src");
        let sources = read_sources(root, &src);
        assert!(!sources.is_empty(), "no sources in {src}");
        let graph = Graph::of(&sources, &format!("{src}/lib.rs"));
        problems.extend(cycle_problems(&graph, &[]));
    }
    assert!(
        problems.is_empty(),
        "{} import problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The check itself, on the real sources with one import added: a pane that reaches into the
/// app is named, with the file it imports and why that is wrong.
#[test]
fn a_pane_importing_the_app_fails() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = read_sources(root, "src");
    let queue = sources.get_mut("src/ui/panes/queue.rs").unwrap();
    queue.insert_str(0, "use crate::ui::shell::app::App;\n");
    let problems = layer_problems(&Graph::of(&sources, "src/lib.rs"));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("src/ui/panes/queue.rs:1")
                && p.contains("src/ui/shell/app.rs")
                && p.contains("panes imports shell")),
        "{problems:#?}"
    );
}

/// App owns a few parts rather than a field for every concern (issue 19: at most 16). A new
/// concern goes into the part it belongs to, or a new part that gathers several.
const MOST_APP_FIELDS: usize = 16;

#[test]
fn the_app_holds_at_most_16_fields() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("src/ui/shell/app.rs")).unwrap();
    let fields = struct_fields(&source, "pub struct App {");
    assert!(
        fields.len() <= MOST_APP_FIELDS,
        "App has {} fields, at most {MOST_APP_FIELDS}: {fields:?}",
        fields.len()
    );
    // The count itself: doc comments, attributes and private fields as App has them.
    let sample = "pub struct App {\n    /// Says why.\n    pub(crate) settings: Settings,\n    \
                  #[allow(dead_code)]\n    reads: Reads,\n    pub quit: bool,\n}\n";
    assert_eq!(
        struct_fields(sample, "pub struct App {"),
        ["settings", "reads", "quit"]
    );
}

/// The names of the fields of the struct that starts at `opening`, as written one a line.
fn struct_fields(source: &str, opening: &str) -> Vec<String> {
    let Some(start) = source.find(opening) else {
        return Vec::new();
    };
    let body = &source[start + opening.len()..];
    let body = &body[..body.find("\n}").unwrap_or(body.len())];
    body.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//") && !line.starts_with('#'))
        .filter_map(|line| {
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub "))
                .unwrap_or(line);
            let (name, _) = line.split_once(':')?;
            (!name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()))
            .then(|| name.to_owned())
        })
        .collect()
}

#[test]
fn a_cycle_is_named_with_every_file_on_it() {
    let sources = BTreeMap::from([
        ("src/lib.rs".to_owned(), "mod a;\nmod b;\nmod c;\n".to_owned()),
        ("src/a.rs".to_owned(), "use crate::b::B;\npub struct A;\n".to_owned()),
        (
            "src/b.rs".to_owned(),
            "pub struct B;\nfn f() { super::c::g(); }\n".to_owned(),
        ),
        (
            "src/c.rs".to_owned(),
            "pub fn g() {}\n// use crate::b::B;\nconst S: &str = \"crate::b::B\";\nuse crate::a::A;\n"
                .to_owned(),
        ),
    ]);
    let problems = cycle_problems(&Graph::of(&sources, "src/lib.rs"), &[]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    for named in ["src/a.rs:1", "src/b.rs:2", "src/c.rs:4"] {
        assert!(problems[0].contains(named), "{named}: {problems:#?}");
    }
}

#[test]
fn imports_are_found_through_re_exports_groups_and_inline_modules() {
    let sources = BTreeMap::from([
        (
            "src/lib.rs".to_owned(),
            "pub mod ui;\npub use ui::Shown;\n".to_owned(),
        ),
        (
            "src/ui/mod.rs".to_owned(),
            "mod model;\nmod panes;\npub use model::shown::Shown as Shown;\n".to_owned(),
        ),
        (
            "src/ui/model/mod.rs".to_owned(),
            "pub mod shown;\n".to_owned(),
        ),
        (
            "src/ui/model/shown.rs".to_owned(),
            "pub struct Shown;\n".to_owned(),
        ),
        (
            "src/ui/panes/mod.rs".to_owned(),
            "pub mod one;\npub mod two;\n".to_owned(),
        ),
        (
            "src/ui/panes/one.rs".to_owned(),
            "use crate::{Shown, ui::{self, panes::two::{self as other}}};\n\
             #[cfg(test)]\nmod tests {\n    use super::super::two::Two;\n}\n"
                .to_owned(),
        ),
        (
            "src/ui/panes/two.rs".to_owned(),
            "pub struct Two;\n".to_owned(),
        ),
    ]);
    let graph = Graph::of(&sources, "src/lib.rs");
    let from_one: BTreeSet<(&str, usize)> = graph
        .edges
        .iter()
        .filter(|e| e.from == "src/ui/panes/one.rs")
        .map(|e| (e.to.as_str(), e.line))
        .collect();
    assert_eq!(
        from_one,
        BTreeSet::from([
            ("src/ui/model/shown.rs", 1),
            ("src/ui/mod.rs", 1),
            ("src/ui/panes/two.rs", 1),
            ("src/ui/panes/two.rs", 4),
        ])
    );
    let problems = layer_problems(&graph);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("src/ui/panes/one.rs:1") && p.contains("another pane")),
        "{problems:#?}"
    );
}

// ---- What the rules say -----------------------------------------------------------------

fn layer_of(file: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, dir)| file.starts_with(dir))
}

/// Every import that goes against the layers, one line each.
fn layer_problems(graph: &Graph) -> Vec<String> {
    let mut problems = Vec::new();
    for edge in &graph.edges {
        let (from, to) = (edge.from.as_str(), edge.to.as_str());
        let why = match (layer_of(from), layer_of(to)) {
            (Some(a), Some(b)) if b > a => Some(format!(
                "{} imports {}, a layer above it (layers go {})",
                LAYERS[a].0,
                LAYERS[b].0,
                LAYERS.map(|(name, _)| name).join(" → ")
            )),
            (Some(a), Some(b)) if a == b => ALONE
                .iter()
                .find(|dir| {
                    from.starts_with(*dir) && !from.ends_with("/mod.rs") && !to.ends_with("/mod.rs")
                })
                .map(|_| {
                    let what = if LAYERS[a].0 == "panes" {
                        "another pane"
                    } else {
                        "another overlay"
                    };
                    format!("{what}: each stands on its own; what they share goes in the kit")
                }),
            _ => None,
        };
        let why = why.or_else(|| {
            let outside = !from.starts_with("src/ui/") && to.starts_with("src/ui/");
            (outside && !UI_USERS.contains(&from)).then(|| {
                "the workbench, from outside it: only the command that starts it may".into()
            })
        });
        if let Some(why) = why {
            problems.push(format!(
                "{}:{} imports {} ({why}):\n    {}",
                edge.from, edge.line, edge.to, edge.text
            ));
        }
    }
    problems
}

/// Every cycle between files, each with the imports that close it; and every known cycle
/// that is gone.
fn cycle_problems(graph: &Graph, known: &[&[&str]]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let cycles = graph.cycles();
    for component in &cycles {
        let files: BTreeSet<&str> = component.iter().map(String::as_str).collect();
        if known
            .iter()
            .any(|k| k.iter().copied().collect::<BTreeSet<_>>() == files)
        {
            seen.push(files);
            continue;
        }
        let mut text = format!(
            "These files import each other in a circle ({}):",
            files.iter().copied().collect::<Vec<_>>().join(", ")
        );
        for edge in graph.circle(component) {
            text.push_str(&format!(
                "\n    {}:{} imports {}: {}",
                edge.from, edge.line, edge.to, edge.text
            ));
        }
        problems.push(text);
    }
    for k in known {
        let files: BTreeSet<&str> = k.iter().copied().collect();
        if !seen.contains(&files) {
            problems.push(format!(
                "The cycle between {} is gone (or changed): take it off KNOWN_CYCLES",
                k.join(", ")
            ));
        }
    }
    problems
}

// ---- Reading the sources -----------------------------------------------------------------

/// Every `.rs` file under `dir`, by its path from `root` (with `/`), and its text.
fn read_sources(root: &Path, dir: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.join(dir)];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap();
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// A token of Rust source, comments and literals gone.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Path,
    Punct(char),
}

/// The tokens of `source` with their line numbers (from 1). Comments (doc comments too, so
/// their links are not imports), strings and characters are skipped.
fn tokens(source: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                loop {
                    if i >= chars.len() {
                        break;
                    }
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&chars, i + 1, 0, &mut line),
            'r' | 'b' if raw_string_start(&chars, i).is_some() => {
                let (hashes, open) = raw_string_start(&chars, i).unwrap_or((0, i));
                i = skip_string(&chars, open + 1, hashes, &mut line);
            }
            'b' if at(i + 1) == '"' => i = skip_string(&chars, i + 2, 0, &mut line),
            'b' if at(i + 1) == '\'' => i = skip_char(&chars, i + 1),
            '\'' => {
                // A character ('x', '\n') or a lifetime ('a).
                if at(i + 1) == '\\' || at(i + 2) == '\'' {
                    i = skip_char(&chars, i);
                } else {
                    i += 1;
                }
            }
            ':' if at(i + 1) == ':' => {
                out.push((Tok::Path, line));
                i += 2;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let mut word: String = chars[start..i].iter().collect();
                if word == "r" && at(i) == '#' {
                    // A raw identifier: r#type.
                    let start = i + 1;
                    i = start;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    word = chars[start..i].iter().collect();
                }
                out.push((Tok::Ident(word), line));
            }
            c if c.is_whitespace() => i += 1,
            c => {
                out.push((Tok::Punct(c), line));
                i += 1;
            }
        }
    }
    out
}

/// `r"`, `r#"`, `br##"`…: how many `#` and where the quote is.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    // Not the end of an identifier such as `for` or `var`.
    if i > 0
        && chars
            .get(i - 1)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some((hashes, j + hashes))
}

/// Past the string whose text starts at `i`, closed by `"` and `hashes` times `#`.
fn skip_string(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' if hashes == 0 => {
                // An escape; a line continuation still ends a line.
                if chars.get(i + 1) == Some(&'\n') {
                    *line += 1;
                }
                i += 2;
            }
            '"' if chars[i + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == '#')
                .count()
                == hashes =>
            {
                return i + 1 + hashes;
            }
            c => {
                if c == '\n' {
                    *line += 1;
                }
                i += 1;
            }
        }
    }
    i
}

/// Past the character literal whose quote is at `i`.
fn skip_char(chars: &[char], mut i: usize) -> usize {
    i += 1;
    while i < chars.len() && chars[i] != '\'' {
        if chars[i] == '\\' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

// ---- The module tree and the imports -----------------------------------------------------

/// One import of one file by another.
#[derive(Clone, Debug)]
struct Edge {
    from: String,
    to: String,
    line: usize,
    /// The path as written.
    text: String,
}

/// A module: the file it is in, its child modules and the names it re-exports.
#[derive(Default)]
struct Module {
    file: String,
    children: BTreeSet<String>,
    /// `pub use path as name`: name → (the module the path is read in, the path).
    exports: BTreeMap<String, (Vec<String>, Vec<String>)>,
}

/// A path found in a file: where it was read, and what it says.
struct Found {
    module: Vec<String>,
    path: Vec<String>,
    line: usize,
}

struct Graph {
    edges: Vec<Edge>,
}

impl Graph {
    /// The imports between the files of the crate whose root is `root`.
    fn of(sources: &BTreeMap<String, String>, root: &str) -> Graph {
        let mut modules: BTreeMap<Vec<String>, Module> = BTreeMap::new();
        let mut found: Vec<(String, Found)> = Vec::new();
        // Walk the module tree from the root, reading each file once.
        let mut pending = vec![(Vec::<String>::new(), root.to_owned())];
        while let Some((module, file)) = pending.pop() {
            let Some(source) = sources.get(&file) else {
                continue;
            };
            let dir = module_dir(&file);
            read_file(source, &module, &file, &mut modules, &mut found, |child| {
                let a = format!("{dir}/{child}.rs");
                let b = format!("{dir}/{child}/mod.rs");
                let file = if sources.contains_key(&a) { a } else { b };
                let mut path = module.clone();
                path.push(child.to_owned());
                pending.push((path, file));
            });
        }
        let mut edges = Vec::new();
        for (file, f) in &found {
            if let Some(to) = resolve(&modules, &f.module, &f.path, 0)
                && to != *file
            {
                edges.push(Edge {
                    from: file.clone(),
                    to,
                    line: f.line,
                    text: f.path.join("::"),
                });
            }
        }
        Graph { edges }
    }

    /// The files of each cycle (strongly connected set of two files or more).
    fn cycles(&self) -> Vec<Vec<String>> {
        let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for e in &self.edges {
            next.entry(&e.from).or_default().insert(&e.to);
            next.entry(&e.to).or_default();
        }
        // Tarjan's strongly connected components, iteratively.
        let nodes: Vec<&str> = next.keys().copied().collect();
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut low: BTreeMap<&str, usize> = BTreeMap::new();
        let mut on_stack = BTreeSet::new();
        let mut stack = Vec::new();
        let mut out = Vec::new();
        for &start in &nodes {
            if index.contains_key(start) {
                continue;
            }
            let mut work: Vec<(&str, Vec<&str>)> = Vec::new();
            let i = index.len();
            index.insert(start, i);
            low.insert(start, i);
            stack.push(start);
            on_stack.insert(start);
            work.push((start, next[start].iter().copied().collect()));
            while let Some((node, mut rest)) = work.pop() {
                if let Some(child) = rest.pop() {
                    work.push((node, rest));
                    if !index.contains_key(child) {
                        let i = index.len();
                        index.insert(child, i);
                        low.insert(child, i);
                        stack.push(child);
                        on_stack.insert(child);
                        work.push((child, next[child].iter().copied().collect()));
                    } else if on_stack.contains(child) {
                        let l = low[node].min(index[child]);
                        low.insert(node, l);
                    }
                    continue;
                }
                if let Some((parent, _)) = work.last() {
                    let l = low[parent].min(low[node]);
                    low.insert(parent, l);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(n) = stack.pop() {
                        on_stack.remove(n);
                        component.push(n.to_owned());
                        if n == node {
                            break;
                        }
                    }
                    if component.len() > 1 {
                        component.sort();
                        out.push(component);
                    }
                }
            }
        }
        out
    }

    /// One way round a cycle: from its first file back to it, through its files only.
    fn circle(&self, files: &[String]) -> Vec<&Edge> {
        let inside = |f: &String| files.contains(f);
        let start = &files[0];
        // Breadth first from `start`; the first edge back to `start` closes the circle.
        let mut came: BTreeMap<&str, &Edge> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.as_str()]);
        while let Some(at) = queue.pop_front() {
            for e in self.edges.iter().filter(|e| e.from == at && inside(&e.to)) {
                if e.to == *start {
                    let mut path = vec![e];
                    let mut back = at;
                    while back != start {
                        let prev = came[back];
                        path.push(prev);
                        back = &prev.from;
                    }
                    path.reverse();
                    return path;
                }
                if !came.contains_key(e.to.as_str()) {
                    came.insert(&e.to, e);
                    queue.push_back(&e.to);
                }
            }
        }
        Vec::new()
    }
}

/// The directory a file's child modules are in: `src/ui` for `src/ui/mod.rs`, `src/ui/app`
/// for `src/ui/app.rs`.
fn module_dir(file: &str) -> String {
    let stem = file.trim_end_matches(".rs");
    match stem.rsplit_once('/') {
        Some((dir, "mod" | "lib" | "main")) => dir.to_owned(),
        _ => stem.to_owned(),
    }
}

/// Reads one file of module `module`: its child modules (files are handed to `child`), the
/// names it re-exports, and every path that may name a file of the crate.
fn read_file(
    source: &str,
    module: &[String],
    file: &str,
    modules: &mut BTreeMap<Vec<String>, Module>,
    found: &mut Vec<(String, Found)>,
    mut child: impl FnMut(&str),
) {
    let toks = tokens(source);
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(w), _)) => Some(w.as_str()),
        _ => None,
    };
    let punct = |i: usize, c: char| matches!(toks.get(i), Some((Tok::Punct(p), _)) if *p == c);
    let is_path = |i: usize| matches!(toks.get(i), Some((Tok::Path, _)));
    modules.entry(module.to_vec()).or_default().file = file.to_owned();
    let front = file.ends_with("/mod.rs") || file.ends_with("/lib.rs");
    // The inline modules open around the current token: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let current = |inline: &[(String, usize)]| {
        let mut m = module.to_vec();
        m.extend(inline.iter().map(|(n, _)| n.clone()));
        m
    };
    let mut i = 0;
    while i < toks.len() {
        let (tok, line) = (&toks[i].0, toks[i].1);
        match tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            Tok::Ident(w) if w == "mod" => {
                if let Some(name) = ident(i + 1) {
                    let here = current(&inline);
                    if punct(i + 2, ';') && inline.is_empty() {
                        modules
                            .entry(here.clone())
                            .or_default()
                            .children
                            .insert(name.to_owned());
                        child(name);
                    } else if punct(i + 2, '{') {
                        modules
                            .entry(here.clone())
                            .or_default()
                            .children
                            .insert(name.to_owned());
                        let mut m = here;
                        m.push(name.to_owned());
                        modules.entry(m).or_default().file = file.to_owned();
                        inline.push((name.to_owned(), depth + 1));
                    }
                }
            }
            Tok::Ident(w) if w == "use" && !is_path(i + 1) => {
                // `pub use` / `pub(crate) use`: a re-export.
                let public = i > 0
                    && (ident(i - 1) == Some("pub")
                        || (punct(i - 1, ')')
                            && (2..6).any(|k| ident(i.saturating_sub(k)) == Some("pub"))));
                let here = current(&inline);
                let mut end = i + 1;
                while end < toks.len() && !punct(end, ';') {
                    end += 1;
                }
                for (path, alias) in use_tree(&toks[i + 1..end]) {
                    if public {
                        let name = alias.clone().or_else(|| path.last().cloned());
                        if let Some(name) = name.filter(|n| n != "*" && n != "self") {
                            let target = match path.last().map(String::as_str) {
                                Some("self") => path[..path.len() - 1].to_vec(),
                                _ => path.clone(),
                            };
                            modules
                                .entry(here.clone())
                                .or_default()
                                .exports
                                .insert(name, (here.clone(), target));
                        }
                    }
                    // A module's front file (`mod.rs`, `lib.rs`) re-exports to give the module
                    // its face: that is no use of the item by the file. Elsewhere, a file
                    // that re-exports an item uses it too.
                    if !(public && front) {
                        found.push((
                            file.to_owned(),
                            Found {
                                module: here.clone(),
                                path,
                                line,
                            },
                        ));
                    }
                }
                i = end;
                continue;
            }
            Tok::Ident(w) if is_path(i + 1) && (i == 0 || !is_path(i - 1)) => {
                // A path in the code: `crate::a::b`, `super::x`, `child::y`.
                let mut path = vec![w.clone()];
                let mut j = i + 1;
                while is_path(j) {
                    match ident(j + 1) {
                        Some(w) => path.push(w.to_owned()),
                        None => break,
                    }
                    j += 2;
                }
                found.push((
                    file.to_owned(),
                    Found {
                        module: current(&inline),
                        path,
                        line,
                    },
                ));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// The paths of a use tree (`a::{b, c::{self, D as E}, f::*}`), each with its alias.
fn use_tree(toks: &[(Tok, usize)]) -> Vec<(Vec<String>, Option<String>)> {
    fn walk(
        toks: &[(Tok, usize)],
        i: &mut usize,
        prefix: &[String],
        out: &mut Vec<(Vec<String>, Option<String>)>,
    ) {
        let mut path = prefix.to_vec();
        while *i < toks.len() {
            match &toks[*i].0 {
                Tok::Path => *i += 1,
                Tok::Ident(w) if w == "as" => {
                    let alias = match toks.get(*i + 1) {
                        Some((Tok::Ident(a), _)) => Some(a.clone()),
                        _ => None,
                    };
                    *i += 2;
                    out.push((std::mem::take(&mut path), alias));
                }
                Tok::Ident(w) => {
                    path.push(w.clone());
                    *i += 1;
                }
                Tok::Punct('*') => {
                    path.push("*".into());
                    *i += 1;
                }
                Tok::Punct('{') => {
                    *i += 1;
                    loop {
                        walk(toks, i, &path, out);
                        match toks.get(*i).map(|t| &t.0) {
                            Some(Tok::Punct(',')) => *i += 1,
                            Some(Tok::Punct('}')) => {
                                *i += 1;
                                break;
                            }
                            _ => break,
                        }
                    }
                    path.clear();
                    return;
                }
                Tok::Punct(',' | '}') => break,
                Tok::Punct(_) => *i += 1,
            }
        }
        if !path.is_empty() && path.len() > prefix.len() {
            out.push((path, None));
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    walk(toks, &mut i, &[], &mut out);
    out
}

/// The file that defines what `path`, read in module `module`, names: `None` for another
/// crate's item.
fn resolve(
    modules: &BTreeMap<Vec<String>, Module>,
    module: &[String],
    path: &[String],
    hops: usize,
) -> Option<String> {
    if hops > 16 {
        return None;
    }
    let mut at: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            at = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            at = module.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            at = module.to_vec();
            while rest.first().map(String::as_str) == Some("super") {
                at.pop();
                rest = &rest[1..];
            }
        }
        Some(first)
            if modules
                .get(module)
                .is_some_and(|m| m.children.contains(first)) =>
        {
            at = module.to_vec();
        }
        Some(first)
            if modules
                .get(module)
                .is_some_and(|m| m.exports.contains_key(first)) =>
        {
            at = module.to_vec();
        }
        _ => return None,
    }
    for (n, segment) in rest.iter().enumerate() {
        let here = modules.get(&at)?;
        if here.children.contains(segment) {
            at.push(segment.clone());
            continue;
        }
        if let Some((scope, target)) = here.exports.get(segment) {
            let mut target = target.clone();
            target.extend(rest[n + 1..].iter().cloned());
            return resolve(modules, scope, &target, hops + 1).or_else(|| Some(here.file.clone()));
        }
        return Some(here.file.clone());
    }
    modules.get(&at).map(|m| m.file.clone())
}

//! The README's key table is generated from the keymap, and this test keeps it that way: a
//! key added or rebound without updating the README fails here, with the table to paste.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use i2v::ui::{Action, KeyMap};

/// Every key of `action`, those only a kitty-keyboard terminal sends marked with ¹ (the
/// workbench itself offers them only where they arrive).
fn key_column(keys: &KeyMap, action: Action) -> String {
    let all: Vec<String> = keys
        .keys(action)
        .iter()
        .map(|k| {
            let mark = if k.needs_enhancement() { "¹" } else { "" };
            format!("{k}{mark}")
        })
        .collect();
    if all.is_empty() {
        "(unbound)".to_owned()
    } else {
        all.join(", ")
    }
}

fn key_table() -> String {
    let keys = KeyMap::default();
    let mut table =
        String::from("| Where | Key | What it does | Config name |\n|---|---|---|---|\n");
    for &action in Action::ALL {
        table.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            action.scope().title(),
            key_column(&keys, action),
            action.about().replace('|', "\\|"),
            action.name()
        ));
    }
    table
}

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = key_table();
    assert!(
        readme.contains(&table),
        "README.md's key table is stale; replace it with:\n\n{table}"
    );
}

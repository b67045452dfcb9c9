//! The README's key table is generated from the keymap, and this test keeps it that way: a
//! key added or rebound without updating the README fails here, with the table to paste.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use i2v::ui::{Action, KeyMap};

fn key_table() -> String {
    let keys = KeyMap::default();
    let mut table =
        String::from("| Where | Key | What it does | Config name |\n|---|---|---|---|\n");
    for &action in Action::ALL {
        table.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            action.scope().title(),
            keys.label(action),
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

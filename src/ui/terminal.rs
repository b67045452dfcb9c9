//! Taking the terminal over and always giving it back: on quit, on signals, on panic, and
//! around the external editor.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use ratatui::DefaultTerminal;

use super::{Draft, Msg};

/// Raw mode, alternate screen, bracketed paste; ratatui's panic hook restores the terminal.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableBracketedPaste)?;
    Ok(terminal)
}

/// Gives the terminal back. Errors are ignored: after SIGHUP there may be no terminal left.
pub fn leave() {
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
}

/// On panic: save the draft, then restore the terminal (ratatui's hook, already installed,
/// runs after ours and prints the panic on a sane screen).
pub fn save_draft_on_panic(draft: Arc<Mutex<Draft>>, path: PathBuf) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(draft) = draft.try_lock() {
            let _ = super::runtime::save_draft(&path, &draft);
        }
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
}

/// Hands `text` to the user's editor and returns what they saved. The terminal is restored
/// for the editor and taken back after, and keys typed meanwhile are dropped.
pub fn edit_externally(terminal: &mut DefaultTerminal, editor: &str, text: &str) -> Msg {
    let outcome = run_editor(editor, text);
    let _ = enter_again(terminal);
    Msg::EditorReturned(outcome)
}

fn run_editor(editor: &str, text: &str) -> Result<String, String> {
    let dir = tempfile_dir().map_err(|e| format!("could not create a temporary file: {e}"))?;
    let path = dir.join("prompt.md");
    std::fs::write(&path, text).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    leave();
    // Through the shell, so EDITOR="code --wait" and the like work.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("i2v-editor")
        .arg(&path)
        .status();
    let result = match status {
        Ok(status) if status.success() => std::fs::read_to_string(&path)
            .map(|t| t.trim_end_matches('\n').to_owned())
            .map_err(|e| format!("could not read the edited prompt: {e}")),
        Ok(status) => Err(format!(
            "{editor} exited with {status}; the prompt is unchanged"
        )),
        Err(err) => Err(format!("could not start {editor}: {err}")),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn enter_again(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    *terminal = enter()?;
    // Keys pressed while the editor closed must not land in the prompt.
    while crossterm::event::poll(std::time::Duration::ZERO)? {
        let _ = crossterm::event::read()?;
    }
    terminal.clear()?;
    std::io::stdout().flush()
}

fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "i2v-edit-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

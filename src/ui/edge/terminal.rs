//! Taking the terminal over and always giving it back: on quit, on signals, on panic, and
//! around the external editor.

use std::io::{Stdout, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::execute;
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::tty::{Metered, Written};
use crate::ui::{Draft, Msg};

/// The terminal the workbench draws on: stdout, every byte counted (what a frame cost is what
/// paces the next, see [`crate::tty`]).
pub type Screen = Terminal<CrosstermBackend<Metered<Stdout>>>;

/// Whether the mouse is captured (`[ui] mouse = true`), to capture it again after the editor.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Whether the kitty keyboard protocol was turned on: every way out turns it off again
/// (the shell would otherwise get `CSI 99;5u` for Ctrl-C), and the editor's return turns it
/// on again.
static KEYBOARD: AtomicBool = AtomicBool::new(false);

/// Keys a legacy terminal sends alike come apart (Ctrl-Enter, Ctrl-Shift-letters), and a
/// shifted key reports the character it types (Alt-+ stays Alt-+, not Alt-Shift-=).
fn keyboard_flags() -> PushKeyboardEnhancementFlags {
    PushKeyboardEnhancementFlags(
        KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES
            | KeyboardEnhancementFlags::REPORT_ALTERNATE_KEYS,
    )
}

/// Turns the kitty keyboard protocol on, for a terminal that answered for it. After the
/// alternate screen is entered: the terminal keeps one stack of flags per screen.
pub fn enhance_keyboard() -> std::io::Result<()> {
    // Marked on before it is sent: a signal that ends i2v just after the terminal got the
    // request must still turn it off (an extra pop on an empty stack does nothing).
    KEYBOARD.store(true, Ordering::SeqCst);
    execute!(std::io::stdout(), keyboard_flags()).inspect_err(|_| {
        KEYBOARD.store(false, Ordering::SeqCst);
    })
}

/// Turns the keyboard protocol off, if it is on, before the alternate screen is left.
fn restore_keyboard() {
    if KEYBOARD.load(Ordering::SeqCst) {
        let _ = execute!(std::io::stdout(), PopKeyboardEnhancementFlags);
    }
}

/// Raw mode, alternate screen, bracketed paste, and the mouse if asked for (off by default:
/// capturing it takes the terminal's own text selection away); ratatui's panic hook restores
/// the terminal. `written` counts the bytes it is sent.
pub fn enter(mouse: bool, written: &Written) -> std::io::Result<Screen> {
    // For its panic hook, raw mode and the alternate screen; the terminal drawn on counts.
    drop(ratatui::try_init()?);
    MOUSE.store(mouse, Ordering::Relaxed);
    execute!(std::io::stdout(), EnableBracketedPaste)?;
    if mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    screen(written)
}

fn screen(written: &Written) -> std::io::Result<Screen> {
    Terminal::new(CrosstermBackend::new(Metered::new(
        std::io::stdout(),
        written.clone(),
    )))
}

/// Gives the terminal back. Errors are ignored: after SIGHUP there may be no terminal left.
pub fn leave() {
    restore_keyboard();
    if MOUSE.load(Ordering::Relaxed) {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
}

/// On panic, in any thread: save the draft, restore the terminal (ratatui's hook, already
/// installed, runs after ours and prints the panic on a sane screen), then end the process.
/// Tokio catches panics in its workers and blocking pool, so without the exit the UI would go
/// on drawing on a terminal that is no longer raw. Exiting loses nothing: the engine saves
/// each job at every state change and the jobs stay resumable.
pub fn save_draft_on_panic(draft: Arc<Mutex<Draft>>, path: PathBuf) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(draft) = draft.try_lock() {
            let _ = crate::ui::edge::runtime::save_draft(&path, &draft);
        }
        restore_keyboard();
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
        std::process::exit(101);
    }));
}

/// Hands `text` to the user's editor and returns what they saved. The terminal is restored
/// for the editor and taken back after, and keys typed meanwhile are dropped. The caller
/// must have dropped its terminal event stream first (see `Workbench::run`).
pub fn edit_externally(terminal: &mut Screen, written: &Written, editor: &str, text: &str) -> Msg {
    let outcome = run_editor(editor, text);
    let _ = enter_again(terminal, written);
    Msg::EditorReturned(outcome)
}

fn run_editor(editor: &str, text: &str) -> Result<String, String> {
    let dir = tempfile_dir().map_err(|e| format!("could not create a temporary file: {e}"))?;
    let path = dir.join("prompt.md");
    // A text file ends with a newline: without it, line-based editors and scripts append
    // to the prompt's last line instead of after it.
    std::fs::write(&path, format!("{text}\n"))
        .map_err(|e| format!("could not write {}: {e}", path.display()))?;
    leave();
    // Through the shell, so EDITOR="code --wait" and the like work.
    let status = blocking(|| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("i2v-editor")
            .arg(&path)
            .status()
    });
    let result = match status {
        // As saved: the app takes off the one newline a text file ends with.
        // Bounded: an editor (or a script posing as one) may leave anything at the path.
        Ok(status) if status.success() => {
            crate::local_file::read_text_capped(&path, 1 << 20, "a prompt")
                .map_err(|e| format!("could not read the edited prompt: {e}"))
        }
        Ok(status) => Err(format!(
            "{editor} exited with {status}; the prompt is unchanged"
        )),
        Err(err) => Err(format!("could not start {editor}: {err}")),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Takes the terminal back after the editor. Not through `enter`: each `ratatui::try_init`
/// would stack another panic hook.
fn enter_again(terminal: &mut Screen, written: &Written) -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )?;
    if MOUSE.load(Ordering::Relaxed) {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    if KEYBOARD.load(Ordering::Relaxed) {
        execute!(std::io::stdout(), keyboard_flags())?;
    }
    // Keys pressed while the editor closed must not land in the prompt. Nothing reads the
    // terminal now (the loop's reader was closed for the editor): its input is thrown away.
    let _ = rustix::termios::tcflush(
        rustix::stdio::stdin(),
        rustix::termios::QueueSelector::IFlush,
    );
    // A new `Terminal` has empty buffers, so the next frame is drawn whole. Not
    // `terminal.clear()`: it asks the terminal where the cursor is and waits up to two
    // seconds for an answer some terminals never send.
    *terminal = screen(written)?;
    std::io::stdout().flush()
}

/// Runs `work`, which blocks for as long as the user likes, without starving the other tasks
/// of the multi-thread runtime the binary uses. A current-thread runtime (tests) cannot hand
/// its work over, so there it just runs.
pub(crate) fn blocking<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Set in the child process: where its panic hook saves the draft.
    const CHILD: &str = "I2V_PANIC_HOOK_TEST_DRAFT";
    const TEST: &str =
        "ui::edge::terminal::tests::a_panic_in_a_background_thread_saves_the_draft_and_exits";

    /// The hook ends the whole process, so it runs in a child: this test binary again, running
    /// only this test, with `CHILD` set.
    #[test]
    fn a_panic_in_a_background_thread_saves_the_draft_and_exits() {
        if let Some(path) = std::env::var_os(CHILD) {
            panic_in_the_blocking_pool(PathBuf::from(path));
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, &path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stdout.contains("still running"),
            "the process went on after the panic:\n{stdout}\n{stderr}"
        );
        assert_eq!(
            out.status.code(),
            Some(101),
            "the panic ends the process:\n{stdout}\n{stderr}"
        );
        assert!(
            stderr.contains("a bug in a background thread"),
            "the previous hook still prints the panic:\n{stderr}"
        );
        assert!(
            stdout.contains("\x1b[<1u"),
            "the keyboard protocol is turned off:\n{stdout:?}"
        );
        let draft = super::super::runtime::load_draft(&path);
        assert_eq!(
            draft.map(|d| d.prompt),
            Some("saved by the hook".to_owned())
        );
    }

    fn panic_in_the_blocking_pool(path: PathBuf) {
        let draft = Draft {
            prompt: "saved by the hook".into(),
            ..Draft::default()
        };
        save_draft_on_panic(Arc::new(Mutex::new(draft)), path);
        let _ = enhance_keyboard();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let outcome = runtime.block_on(async { tokio::task::spawn_blocking(a_bug).await });
        // Reached only when tokio caught the panic and the process carried on.
        println!("still running after {outcome:?}");
    }

    fn a_bug() {
        panic!("a bug in a background thread");
    }
}

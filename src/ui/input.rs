//! Keys and pastes: which action a key means where the focus is, and what it does.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use i2v_store::{ImageSource, JobId, JobState};

use super::app::{App, Focus, Overlay, StatusKind, clean_paste, single_line};
use super::effect::Effect;
use super::keys::{self, Action, KeyBinding, Scope};
use super::undo::{self, Edit, Snapshot};
use super::{draw, image_paste, layout};
use crate::jobs::NewJob;

impl App {
    pub(crate) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let binding = KeyBinding::from_event(&key);
        // Nothing on screen says what a key would do: only quitting works (resizing comes
        // as its own message).
        if layout::too_small(self.size) {
            return match self.keys.action_for(binding, &[Scope::Global]) {
                Some(Action::Quit) => self.act(Action::Quit),
                _ => Vec::new(),
            };
        }
        // An error stays until the user has pressed something, and that key only dismisses
        // it: a `q` meant to clear the message must not quit, nor be typed. A quit chord
        // (Ctrl-Q, Ctrl-C) is never pressed by accident, so it still quits, and the message
        // log's key (which the error's hint names) opens the log.
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Error)
        {
            self.status = None;
            self.errors_behind = 0;
            let passes = match self.keys.action_for(binding, &[Scope::Global]) {
                Some(Action::Quit) => !binding.is_plain_char(),
                Some(Action::Messages) => true,
                _ => false,
            };
            if !passes {
                return Vec::new();
            }
        }
        if let Some(overlay) = self.overlay.clone() {
            return self.overlay_key(overlay, binding);
        }
        if self.history.filtering && self.filter_key(binding) {
            return Vec::new();
        }
        let typing = self.focus.is_text() && binding.is_plain_char();
        let scopes = match self.focus {
            Focus::Editor | Focus::Image => keys::TEXT_SCOPES,
            Focus::Optimizer => keys::OPTIMIZER_SCOPES,
            Focus::Queue => keys::QUEUE_SCOPES,
            Focus::History => keys::HISTORY_SCOPES,
        };
        match self.keys.action_for(binding, scopes).filter(|_| !typing) {
            Some(action) => self.act(action),
            None if self.focus.is_text() => self.type_key(key),
            None => Vec::new(),
        }
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => {
                if let Some(job) = self.new_job() {
                    return self.submit(job, false);
                }
            }
            Action::Quit => {
                self.quit = true;
                return vec![Effect::SaveDraft(self.draft()), Effect::Quit];
            }
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            // Opened at the end (the scroll is clamped): the newest messages are wanted.
            Action::Messages => self.overlay = Some(Overlay::Messages { scroll: usize::MAX }),
            Action::FocusNext | Action::FocusPrev => {
                self.focus = self.focus.step(action == Action::FocusNext);
                self.history.filtering = false;
                self.style_fields();
            }
            Action::FocusPrompt
            | Action::FocusImage
            | Action::FocusQueue
            | Action::FocusHistory => {
                self.focus = match action {
                    Action::FocusPrompt => Focus::Editor,
                    Action::FocusImage => Focus::Image,
                    Action::FocusQueue => Focus::Queue,
                    _ => Focus::History,
                };
                self.history.filtering = false;
                self.style_fields();
            }
            Action::ToggleOptimizer | Action::Toggle => {
                self.optimizer = !self.optimizer;
                let state = if self.optimizer { "on" } else { "off" };
                self.notice(format!("Prompt optimizer {state}"));
            }
            Action::Back => {
                if self.billing_pause {
                    self.billing_pause = false;
                    self.notice("Submits resumed");
                } else if self.focus == Focus::History && !self.history.filter.is_empty() {
                    self.history.filter.clear();
                    self.refresh_history();
                }
            }
            Action::EditExternally => return vec![Effect::EditExternally(self.prompt_text())],
            Action::Undo | Action::Redo => {
                let before = self.image_text();
                let (field, history) = if self.focus == Focus::Image {
                    (&mut self.image, &mut self.image_undo)
                } else {
                    (&mut self.editor, &mut self.editor_undo)
                };
                if action == Action::Undo {
                    history.undo(field);
                } else {
                    history.redo(field);
                }
                return self.image_changed(&before);
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.navigate(action),
            Action::Detail => {
                if let Some(id) = self.selected_job() {
                    self.book.ensure_logs(&id);
                    self.overlay = Some(Overlay::Detail { id, scroll: 0 });
                }
            }
            Action::CopyUrl => return self.copy_url(),
            Action::OpenVideo => return self.open_video(),
            Action::CopyPath => return self.copy_path(),
            Action::Cancel => match self.selected_job() {
                Some(id) => match self.cancel_refusal(&id) {
                    Some(reason) => self.error(reason),
                    None => self.overlay = Some(Overlay::ConfirmCancel(id)),
                },
                None => self.notice("No job selected"),
            },
            Action::Restore => return self.restore(),
            Action::Rerun => {
                if let Some(entry) = self.selected_job().and_then(|id| self.book.get(&id)) {
                    let input = &entry.record.input;
                    let job = NewJob {
                        prompt: input.prompt.clone(),
                        image: input.image.display(),
                        prompt_optimizer: input.prompt_optimizer,
                        // The engine refuses an image outside the limits (a failed job,
                        // nothing uploaded or paid); the editor's submit asks instead.
                        check_limits: true,
                    };
                    let fallback = match &input.image {
                        ImageSource::File {
                            path,
                            uploaded_url: Some(url),
                            ..
                        } => Some(Effect::ImageFallback {
                            path: path.display().to_string(),
                            url: url.clone(),
                        }),
                        _ => None,
                    };
                    return fallback
                        .into_iter()
                        .chain(self.submit(job, false))
                        .collect();
                }
            }
            Action::Diff => {
                if let Some(id) = self.selected_job() {
                    self.overlay = Some(Overlay::Diff { id, scroll: 0 });
                }
            }
            Action::Filter => self.history.filtering = true,
        }
        Vec::new()
    }

    /// The job the Jobs actions apply to: the queue's or the history's selection.
    fn selected_job(&self) -> Option<JobId> {
        match (&self.overlay, self.focus) {
            (Some(Overlay::Detail { id, .. } | Overlay::Diff { id, .. }), _) => Some(id.clone()),
            (_, Focus::Queue) => self.queue_selected(),
            (_, Focus::History) => self.history.selected.clone(),
            _ => None,
        }
    }

    /// Why cancelling `id` would do nothing, if it would. Once fal has finished a job
    /// (downloading its result), there is nothing left to cancel there.
    fn cancel_refusal(&self, id: &JobId) -> Option<String> {
        match self.book.get(id).map(|e| &e.record.state) {
            None => Some(format!(
                "job {id} is not in this workbench; nothing to cancel"
            )),
            Some(JobState::Downloading | JobState::ResultPending) => Some(format!(
                "job {id} already finished on fal; nothing to cancel"
            )),
            Some(state) if state.is_terminal() => Some(format!(
                "job {id} already finished ({}); nothing to cancel",
                state.label()
            )),
            Some(_) => None,
        }
    }

    fn copy_url(&mut self) -> Vec<Effect> {
        let url = self
            .selected_job()
            .and_then(|id| self.book.get(&id))
            .and_then(|e| e.record.result.as_ref())
            .map(|r| r.url.clone());
        match url.as_deref().map(crate::text::copyable_url) {
            Some(Ok(url)) => {
                self.notice("Copied the video URL");
                vec![Effect::CopyToClipboard(url.to_owned())]
            }
            Some(Err(why)) => {
                self.error(why);
                Vec::new()
            }
            None => {
                self.notice("No video URL for this job yet");
                Vec::new()
            }
        }
    }

    fn video_file(&self) -> Option<std::path::PathBuf> {
        self.selected_job()
            .and_then(|id| self.book.get(&id))
            .and_then(|e| e.record.result.as_ref())
            .and_then(|r| r.local_file.clone())
    }

    fn open_video(&mut self) -> Vec<Effect> {
        match self.video_file() {
            // A player started here would play on the remote machine, where nobody sees it.
            Some(path) if self.remote => {
                let text = format!(
                    "Over SSH the video is on the remote machine: {}",
                    path.display()
                );
                self.error(self.with_copy_hint(text));
                Vec::new()
            }
            Some(path) => vec![Effect::OpenVideo(path)],
            None => {
                self.notice("No downloaded video for this job");
                Vec::new()
            }
        }
    }

    fn copy_path(&mut self) -> Vec<Effect> {
        match self.video_file() {
            Some(path) => vec![Effect::CopyToClipboard(path.display().to_string())],
            None => {
                self.notice("No downloaded video for this job");
                Vec::new()
            }
        }
    }

    /// `text`, plus the key that copies the video's path, if one is bound.
    pub(crate) fn with_copy_hint(&self, text: String) -> String {
        match self.keys.short_label(Action::CopyPath) {
            Some(key) => format!("{text} · {key} copies the path"),
            None => text,
        }
    }

    /// Puts a history job's input back into the editor, as one undoable edit.
    fn restore(&mut self) -> Vec<Effect> {
        let Some(entry) = self
            .history
            .selected
            .as_ref()
            .and_then(|id| self.book.get(id))
        else {
            return Vec::new();
        };
        let input = entry.record.input.clone();
        let id = entry.record.id.clone();
        let before = self.image_text();
        undo::replace(
            &mut self.editor,
            &mut self.editor_undo,
            &clean_paste(&input.prompt),
        );
        undo::replace(
            &mut self.image,
            &mut self.image_undo,
            &single_line(&input.image.display()),
        );
        self.optimizer = input.prompt_optimizer;
        self.focus = Focus::Editor;
        self.style_fields();
        self.notice(format!("Loaded job {id} into the editor"));
        self.image_changed(&before)
    }

    fn type_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // The field's own undo keys, routed to the app's history of whole edits.
        if key.modifiers == KeyModifiers::CONTROL {
            match key.code {
                KeyCode::Char('u') => return self.act(Action::Undo),
                KeyCode::Char('r') => return self.act(Action::Redo),
                _ => {}
            }
        }
        let edit = match key.code {
            KeyCode::Char(c) if KeyBinding::from_event(&key).is_plain_char() => Edit::Type {
                space: c.is_whitespace(),
            },
            KeyCode::Enter => Edit::Type { space: true },
            KeyCode::Backspace | KeyCode::Delete if key.modifiers.is_empty() => Edit::Delete,
            _ => Edit::Whole,
        };
        match self.focus {
            Focus::Editor => {
                let snapshot = Snapshot::of(&self.editor);
                self.editor.input(key);
                self.editor_undo.record(snapshot, &self.editor, edit);
                Vec::new()
            }
            Focus::Image => {
                // One line: Enter has nothing to do here.
                if matches!(key.code, KeyCode::Enter) {
                    return Vec::new();
                }
                let before = self.image_text();
                let snapshot = Snapshot::of(&self.image);
                self.image.input(key);
                self.image_undo.record(snapshot, &self.image, edit);
                self.image_changed(&before)
            }
            _ => Vec::new(),
        }
    }

    pub(crate) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        if self.overlay.is_some() || layout::too_small(self.size) {
            return Vec::new();
        }
        if self.history.filtering {
            self.history.filter.push_str(&single_line(text));
            self.refresh_history();
            return Vec::new();
        }
        match self.focus {
            Focus::Editor => {
                let snapshot = Snapshot::of(&self.editor);
                self.editor.insert_str(clean_paste(text));
                self.editor_undo.record(snapshot, &self.editor, Edit::Whole);
                Vec::new()
            }
            Focus::Image => {
                let before = self.image_text();
                let snapshot = Snapshot::of(&self.image);
                self.image
                    .insert_str(image_paste::clean(&single_line(text)));
                self.image_undo.record(snapshot, &self.image, Edit::Whole);
                self.image_changed(&before)
            }
            _ => {
                self.notice("Paste goes into the prompt or image field: Tab there first");
                Vec::new()
            }
        }
    }

    /// Asks for a fresh inspection when the image field's text changed.
    fn image_changed(&mut self, before: &str) -> Vec<Effect> {
        let now = self.image_text();
        if now == before {
            return Vec::new();
        }
        if now.is_empty() {
            self.image_info = None;
            return Vec::new();
        }
        vec![Effect::InspectImage(now)]
    }

    /// Keys while the history filter line is open; false lets the key through.
    fn filter_key(&mut self, key: KeyBinding) -> bool {
        let back = self.keys.keys(Action::Back).contains(&key);
        match key.code {
            _ if back => {
                self.history.filter.clear();
                self.history.filtering = false;
            }
            KeyCode::Enter => self.history.filtering = false,
            KeyCode::Backspace => {
                self.history.filter.pop();
            }
            KeyCode::Up => self.move_history(-1),
            KeyCode::Down => self.move_history(1),
            KeyCode::Char(c) if key.is_plain_char() => self.history.filter.push(c),
            _ => return false,
        }
        self.refresh_history();
        true
    }

    fn overlay_key(&mut self, overlay: Overlay, key: KeyBinding) -> Vec<Effect> {
        if let Overlay::ConfirmLimits { job, .. } = overlay {
            // As for submitting twice: only a plain y is a yes to sending a doomed image.
            if !key.mods.is_empty() {
                return Vec::new();
            }
            match key.code {
                KeyCode::Char('y' | 'Y') => {
                    self.overlay = None;
                    return self.submit(job, false);
                }
                KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc | KeyCode::Enter => {
                    self.overlay = None;
                    self.focus = Focus::Image;
                    self.style_fields();
                    self.notice("Not submitted: change the image, or submit and answer y");
                }
                _ => {}
            }
            return Vec::new();
        }
        if let Overlay::ConfirmSubmit(job) = overlay {
            // Ctrl-Y (redo) or another Ctrl-S must not count as a yes to paying again.
            if !key.mods.is_empty() {
                return Vec::new();
            }
            match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                    self.overlay = None;
                    return self.submit(job, true);
                }
                KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                    self.overlay = None;
                    self.notice("Not submitted");
                }
                _ => {}
            }
            return Vec::new();
        }
        if let Overlay::ConfirmCancel(id) = overlay {
            match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                    self.overlay = None;
                    // The job may have moved on while the question was open.
                    if let Some(reason) = self.cancel_refusal(&id) {
                        self.error(reason);
                        return Vec::new();
                    }
                    self.notice(format!("Cancelling job {id}…"));
                    return vec![Effect::Cancel(id)];
                }
                KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => self.overlay = None,
                _ => {}
            }
            return Vec::new();
        }
        let scopes = [Scope::Lists, Scope::Global, Scope::Jobs];
        match self.keys.action_for(key, &scopes) {
            // Plain q closes a view, as in a pager; Ctrl-Q and Ctrl-C still quit.
            Some(Action::Quit) if key.is_plain_char() => self.overlay = None,
            Some(Action::Back) => self.overlay = None,
            Some(Action::Help) if matches!(overlay, Overlay::Help { .. }) => self.overlay = None,
            Some(Action::Messages) if matches!(overlay, Overlay::Messages { .. }) => {
                self.overlay = None;
            }
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ) => self.scroll_overlay(action),
            Some(action @ (Action::Quit | Action::Help | Action::Submit | Action::Messages)) => {
                return self.act(action);
            }
            Some(Action::CopyUrl) if matches!(overlay, Overlay::Detail { .. }) => {
                return self.copy_url();
            }
            Some(Action::CopyPath) if matches!(overlay, Overlay::Detail { .. }) => {
                return self.copy_path();
            }
            Some(Action::OpenVideo) if matches!(overlay, Overlay::Detail { .. }) => {
                return self.open_video();
            }
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn scroll_overlay(&mut self, action: Action) {
        let (rows, height) = draw::overlay_rows(self);
        let max = rows.saturating_sub(height);
        let page = height.saturating_sub(1).max(1);
        let Some(
            Overlay::Help { scroll }
            | Overlay::Messages { scroll }
            | Overlay::Detail { scroll, .. }
            | Overlay::Diff { scroll, .. },
        ) = self.overlay.as_mut()
        else {
            return;
        };
        // The messages open past the end, to show the newest.
        let at = (*scroll).min(max);
        *scroll = match action {
            Action::Up => at.saturating_sub(1),
            Action::Down => at + 1,
            Action::PageUp => at.saturating_sub(page),
            Action::PageDown => at + page,
            Action::Top => 0,
            _ => max,
        }
        .min(max);
    }

    fn navigate(&mut self, action: Action) {
        let areas = self.areas();
        match self.focus {
            Focus::Queue => match action {
                Action::Up | Action::Down => {
                    let ids = self.queue_ids();
                    let delta = if action == Action::Up { -1 } else { 1 };
                    let next = step(&ids, self.queue_selected().as_ref(), delta);
                    if next != self.queue_selected() {
                        self.queue.follow = true;
                        self.queue.log_top = 0;
                    }
                    self.queue.selected = next;
                }
                _ => self.scroll_logs(action, layout::inner(areas.logs)),
            },
            Focus::History => {
                let page = layout::inner(areas.history).height.saturating_sub(1).max(1) as isize;
                let len = self.history.visible.len() as isize;
                match action {
                    Action::Up => self.move_history(-1),
                    Action::Down => self.move_history(1),
                    Action::PageUp => self.move_history(-page),
                    Action::PageDown => self.move_history(page),
                    Action::Top => self.move_history(-len),
                    _ => self.move_history(len),
                }
            }
            _ => {}
        }
    }

    pub(crate) fn move_history(&mut self, delta: isize) {
        self.history.selected = step(&self.history.visible, self.history.selected.as_ref(), delta);
    }

    pub(crate) fn scroll_logs(&mut self, action: Action, view: ratatui::layout::Rect) {
        let Some(entry) = self.queue_selected().and_then(|id| self.book.get(&id)) else {
            return;
        };
        let (width, height) = (usize::from(view.width), usize::from(view.height));
        let tail = draw::logs::tail_top(&entry.log_lines, width, height);
        let top = if self.queue.follow {
            tail
        } else {
            self.queue.log_top.min(tail)
        };
        let page = height.saturating_sub(1).max(1);
        let top = match action {
            // The mouse wheel.
            Action::Up => top.saturating_sub(WHEEL_LINES),
            Action::Down => top + WHEEL_LINES,
            Action::PageUp => top.saturating_sub(page),
            Action::PageDown => top + page,
            Action::Top => 0,
            _ => tail,
        };
        self.queue.follow = top >= tail;
        self.queue.log_top = top.min(tail);
    }
}

/// Lines one notch of the mouse wheel scrolls the logs.
const WHEEL_LINES: usize = 3;

/// The id `delta` places from `current` in `ids`, clamped to the ends.
pub(crate) fn step(ids: &[JobId], current: Option<&JobId>, delta: isize) -> Option<JobId> {
    if ids.is_empty() {
        return None;
    }
    let at = current
        .and_then(|c| ids.iter().position(|id| id == c))
        .unwrap_or(0) as isize;
    let next = (at + delta).clamp(0, ids.len() as isize - 1) as usize;
    ids.get(next).cloned()
}

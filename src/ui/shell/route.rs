//! Routing: which component a key, a paste or a click goes to, the app's own commands, and
//! carrying out what components ask for. The panes and overlays decide what their keys do;
//! this file only decides who is asked.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use i2v_store::JobId;

use crate::ui::kit::component::{self, Command, Component, Ctx, Outcome, Overlay, Request, quiet};
use crate::ui::model::effect::Effect;
use crate::ui::model::focus::Focus;
use crate::ui::model::keys::{Action, KeyBinding};
use crate::ui::model::media::Step;
use crate::ui::model::messages::Origin;
use crate::ui::model::paste::clean_paste;
use crate::ui::overlays::confirm::Confirm;
use crate::ui::overlays::detail::Detail;
use crate::ui::overlays::diff::Diff;
use crate::ui::overlays::full_screen::FullScreen;
use crate::ui::overlays::help::Help;
use crate::ui::overlays::messages::Messages;
use crate::ui::overlays::note::NoteEditor;
use crate::ui::shell::app::{App, Loaded};

/// The app's own commands: they work in every pane (after the pane's own); a pane lists
/// those it wants hinted in its own list.
pub(crate) const GLOBAL: [Command; 12] = [
    quiet(Action::Submit),
    quiet(Action::Quit),
    quiet(Action::Help),
    quiet(Action::FocusNext),
    quiet(Action::FocusPrev),
    quiet(Action::FocusPrompt),
    quiet(Action::FocusImage),
    quiet(Action::FocusQueue),
    quiet(Action::FocusHistory),
    quiet(Action::ToggleOptimizer),
    quiet(Action::Messages),
    quiet(Action::Back),
];

/// Whether the app handles `action` itself (so a pane's list of it is only a hint).
pub(crate) fn is_global(action: Action) -> bool {
    component::actions(&GLOBAL).any(|a| a == action)
}

/// Every action a pane with `commands` takes: its own, then the app's.
pub(crate) fn pane_actions(commands: &[Command]) -> Vec<Action> {
    let mut actions: Vec<Action> = component::actions(commands).collect();
    for action in component::actions(&GLOBAL) {
        if !actions.contains(&action) {
            actions.push(action);
        }
    }
    actions
}

/// The action `key` means in a pane with `commands`: the pane's own first, then the app's.
pub(crate) fn pane_action(
    keys: &crate::ui::model::keys::KeyMap,
    commands: &[Command],
    key: KeyBinding,
) -> Option<Action> {
    component::action_for(keys, &own_commands(commands), key)
        .or_else(|| component::action_for(keys, &GLOBAL, key))
}

/// A pane's commands less the app's own, which the app takes whether the pane lists them
/// (as hints) or not.
fn own_commands(commands: &[Command]) -> Vec<Command> {
    commands
        .iter()
        .copied()
        .filter(|c| match c {
            Command::Action { action, .. } => !is_global(*action),
            Command::Key { .. } => true,
        })
        .collect()
}

impl App {
    /// The command list of whatever has the keyboard: the overlay, else the focused pane.
    pub(crate) fn active_commands(&self) -> Vec<Command> {
        match &self.overlay {
            Some(overlay) => overlay.commands(),
            None => self.panes.get(self.focus).commands(),
        }
    }

    /// The job the selected-job actions of whatever has the keyboard act on, if any.
    pub(crate) fn active_job(&self) -> Option<JobId> {
        match &self.overlay {
            Some(overlay) => overlay.selected_job(&self.book),
            None => self.panes.get(self.focus).selected_job(&self.book),
        }
    }

    pub(crate) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        // Tab in the image field asked for the path's completion: what comes before the
        // answer waits for it (a bounded wait: the runtime answers within a moment).
        if self.focus == Focus::Image && self.overlay.is_none() && self.panes.image.waiting() {
            self.panes.image.hold(key);
            return Vec::new();
        }
        let binding = KeyBinding::from_event(&key);
        // Nothing on screen says what a key would do: only quitting works (resizing comes
        // as its own message).
        if self.screen.too_small() {
            return match component::action_for(&self.settings.keys, &GLOBAL, binding) {
                Some(Action::Quit) => self.global(Action::Quit),
                _ => Vec::new(),
            };
        }
        // A warning from the start is seen now; the key goes on to do its work.
        self.messages.warning_seen(self.time.now);
        // An error stays until the user has pressed something, and that key only dismisses
        // it: a `q` meant to clear the message must not quit, nor be typed. A quit chord
        // (Ctrl-Q, Ctrl-C) is never pressed by accident, so it still quits, and the message
        // log's key (which the error's hint names) opens the log.
        if self.messages.error_shown() {
            self.messages.status = None;
            let passes = match component::action_for(&self.settings.keys, &GLOBAL, binding) {
                Some(Action::Quit) => !binding.is_plain_char(),
                Some(Action::Messages) => true,
                _ => false,
            };
            if !passes {
                return Vec::new();
            }
        }
        if self.overlay.is_none()
            && self.focus == Focus::Editor
            && let Some(action) = self.editor_undo(binding)
            && let Some(effects) = self.undo_load(action)
        {
            return effects;
        }
        let mut out = Vec::new();
        let mut handed_back = None;
        let acted;
        {
            let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
            if let Some(overlay) = self.overlay.as_mut() {
                let commands = overlay.commands();
                acted = component::action_for(ctx.keys, &commands, binding);
                if let Some(action) = acted {
                    self.messages.forget_notice_about(Origin::Action(action));
                }
                match acted {
                    // Plain q closes a view, as in a pager; Ctrl-Q and Ctrl-C still quit.
                    Some(Action::Quit) if binding.is_plain_char() => ctx.close(),
                    Some(action) if overlay.act(action, &mut ctx) == Outcome::HandBack => {
                        handed_back = Some(action);
                    }
                    Some(_) => {}
                    None => {
                        overlay.key(key, &mut ctx);
                    }
                }
            } else {
                let pane = self.panes.get_mut(self.focus);
                if pane.takes_text(binding) {
                    acted = None;
                    pane.key(key, &mut ctx);
                } else {
                    let commands = pane.commands();
                    acted = pane_action(ctx.keys, &commands, binding);
                    if let Some(action) = acted {
                        self.messages.forget_notice_about(Origin::Action(action));
                    }
                    match acted {
                        // Submits are paused for billing: Esc resumes them before it does
                        // anything else.
                        Some(Action::Back) if self.submits.billing_pause => {
                            handed_back = Some(Action::Back);
                        }
                        Some(action) => {
                            let listed = component::actions(&commands).any(|a| a == action);
                            if !listed || pane.act(action, &mut ctx) == Outcome::HandBack {
                                handed_back = Some(action);
                            }
                        }
                        None => {
                            pane.key(key, &mut ctx);
                        }
                    }
                }
            }
        }
        // What the action says answers it, so doing it again clears what it said.
        self.messages.acting = acted.map(Origin::Action);
        let mut effects = self.handle_requests(out);
        if let Some(action) = handed_back {
            effects.extend(self.global(action));
        }
        self.messages.acting = None;
        effects
    }

    /// The app's own actions, and those components pass on.
    fn global(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => {
                if let Some(job) = self.new_job() {
                    return self.submit(job, false);
                }
            }
            Action::Quit => {
                // A demo's jobs run on a simulated fal inside this process: quitting ends
                // them for good, so ask (a real fal goes on with them, and says so after).
                let active = self.active_jobs();
                if self.settings.demo && active > 0 {
                    self.show(Box::new(Confirm::Quit { active }));
                    return Vec::new();
                }
                self.quit = true;
                return vec![Effect::Quit];
            }
            // Looked at in passing: the view open comes back when they close.
            Action::Help => {
                let help = match &self.overlay {
                    // Esc closes a view: the one app action said there. A view that lists
                    // an action twice (its own hint, then its scrolling's) has it said once.
                    Some(open) => {
                        let mut seen = Vec::new();
                        let commands = open.commands().into_iter().filter(|c| match c {
                            Command::Action { action, .. } => {
                                let first = !seen.contains(action);
                                seen.push(*action);
                                first && (*action == Action::Back || !is_global(*action))
                            }
                            Command::Key { .. } => true,
                        });
                        Help::new(open.name(), commands.collect())
                    }
                    None => Help::new(
                        self.focus.name(),
                        own_commands(&self.panes.get(self.focus).commands()),
                    ),
                };
                self.show_over(Box::new(help));
            }
            Action::Messages => self.show_over(Box::new(Messages::open())),
            Action::FocusNext | Action::FocusPrev => {
                self.set_focus(self.focus.step(action == Action::FocusNext));
            }
            Action::FocusPrompt => self.set_focus(Focus::Editor),
            Action::FocusImage => self.set_focus(Focus::Image),
            Action::FocusQueue => self.set_focus(Focus::Queue),
            Action::FocusHistory => self.set_focus(Focus::History),
            Action::ToggleOptimizer => {
                let mut out = Vec::new();
                let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
                self.panes.optimizer.toggle(&mut ctx);
                return self.handle_requests(out);
            }
            Action::Back if self.submits.billing_pause => {
                self.submits.billing_pause = false;
                self.notice("Submits resumed");
            }
            Action::EditExternally => {
                return vec![Effect::EditExternally(self.panes.prompt.text())];
            }
            _ => {}
        }
        Vec::new()
    }

    /// Undo or redo, when `binding` asks the prompt for one: by the key map, or the text
    /// field's own Ctrl-U and Ctrl-R.
    fn editor_undo(&self, binding: KeyBinding) -> Option<Action> {
        let ctrl = |c| KeyBinding::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        match pane_action(&self.settings.keys, &self.panes.prompt.commands(), binding) {
            Some(action @ (Action::Undo | Action::Redo)) => Some(action),
            _ if binding == ctrl('u') => Some(Action::Undo),
            _ if binding == ctrl('r') => Some(Action::Redo),
            _ => None,
        }
    }

    /// Undo (or redo) of the step that loaded a job into the editor: the image and the
    /// optimizer go back (or forward) with the prompt. `None` for any other step.
    fn undo_load(&mut self, action: Action) -> Option<Vec<Effect>> {
        let loaded = self.loaded.as_ref()?;
        let prompt = &self.panes.prompt;
        let (step, (image, optimizer)) = match action {
            Action::Undo => (prompt.last_step(), loaded.before.clone()),
            _ => (prompt.next_redo(), loaded.after.clone()),
        };
        if step != Some(loaded.step) {
            return None;
        }
        self.panes.prompt.undo(action);
        let mut out = Vec::new();
        let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
        self.panes.image.replace(&image, &mut ctx);
        self.panes.optimizer.set(optimizer);
        Some(self.handle_requests(out))
    }

    /// Carries out what components asked for, in order.
    pub(crate) fn handle_requests(&mut self, requests: Vec<Request>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for request in requests {
            match request {
                Request::Effect(effect) => effects.push(effect),
                Request::Notice(text) => self.notice(text),
                Request::Error(text) => self.error(text),
                Request::Focus(focus) => self.set_focus(focus),
                Request::Open(overlay) => self.show(overlay),
                // Esc (or q) while a video plays in the view stops it; the next one closes
                // the view. What a view beneath started (the grid's cells, playing on under
                // the details of one) goes on: Esc only leaves.
                Request::Close => {
                    if !(self.plays_only_here() && self.media.stop()) {
                        self.overlay = self.beneath.pop();
                    }
                }
                Request::Quit => {
                    self.quit = true;
                    effects.push(Effect::Quit);
                }
                Request::Back => self.overlay = self.beneath.pop(),
                Request::PlayInstead(ids) => {
                    if self.media.stop() {
                        match self.media.toggle_play(&self.book, &ids) {
                            Ok(play) => effects.extend(play),
                            Err(why) => self.notice(why),
                        }
                    }
                }
                Request::FullScreen(id) => effects.extend(self.full_screen(id)),
                Request::PlayOrPause(id) => match self.media.pause_or_play(&self.book, &id) {
                    Ok(play) => effects.extend(play),
                    Err(why) => self.notice(why),
                },
                Request::Step { id, forward } => self.step(&id, forward),
                Request::Submit { job, checked } => effects.extend(self.submit(job, checked)),
                Request::Send(sending) => effects.extend(self.send(sending)),
                Request::SubmitBatch { jobs, from_marks } => {
                    effects.extend(self.submit_batch(jobs, from_marks));
                }
                Request::RerunMarked(ids) => effects.extend(self.confirm_rerun(ids)),
                Request::LookAtFal => effects.extend(self.look_at_fal()),
                Request::ImportFromFal(records) => effects.extend(self.import_from_fal(records)),
                Request::WhenRead { ids, action } => effects.extend(self.when_read(ids, action)),
                Request::Sort(sort) => {
                    self.book.set_sort(sort);
                    self.panes.history.refresh(&self.book);
                    self.notice(format!("History sorted {}", sort.label()));
                }
                Request::Detail(id) => effects.extend(self.open_detail(id, None)),
                Request::DetailBack { id, from } => {
                    effects.extend(self.open_detail(id, Some(from)));
                }
                Request::Play(id) => {
                    if self.overlay.is_none() {
                        effects.extend(self.open_detail(id.clone(), None));
                    }
                    match self
                        .media
                        .toggle_play(&self.book, std::slice::from_ref(&id))
                    {
                        Ok(play) => effects.extend(play),
                        Err(why) => self.notice(why),
                    }
                }
                Request::PlayTogether(ids) => match self.media.toggle_play(&self.book, &ids) {
                    Ok(play) => effects.extend(play),
                    Err(why) => self.notice(why),
                },
                Request::PlayFilm(id) => effects.extend(self.play_film(id)),
                Request::PlayShots { id, shots, from } => {
                    effects.extend(self.play_shots(id, shots, from));
                }
                Request::Storyboard(id) => effects.extend(self.storyboard(id)),
                Request::Chain(id) => effects.extend(self.start_chain(id)),
                Request::Compare(id) => effects.extend(self.compare(id)),
                Request::Note {
                    id,
                    current,
                    from_detail,
                } => {
                    let editor = NoteEditor::open(id, &current, from_detail);
                    self.show(Box::new(editor));
                }
                Request::Diff(id) => {
                    let prompt = self.panes.prompt.text();
                    self.show(Box::new(Diff::open(id, prompt)));
                }
                Request::Restore { id, input } => {
                    let mut out = Vec::new();
                    let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
                    let before = (self.panes.image.text(), self.panes.optimizer.on());
                    let step = self.panes.prompt.last_step();
                    self.panes.prompt.replace(&clean_paste(&input.prompt));
                    self.panes.image.replace(&input.image.display(), &mut ctx);
                    self.panes.optimizer.set(input.prompt_optimizer);
                    // One undo in the prompt takes the whole load back (a prompt the load
                    // left as it was has no step of its own to undo).
                    let loaded_step = self.panes.prompt.last_step();
                    self.loaded = loaded_step.filter(|s| Some(*s) != step).map(|step| Loaded {
                        step,
                        before,
                        after: (self.panes.image.text(), self.panes.optimizer.on()),
                    });
                    ctx.focus(Focus::Editor);
                    ctx.notice(format!("Loaded job {id} into the editor"));
                    effects.extend(self.handle_requests(out));
                }
            }
        }
        effects
    }

    /// The detail view of `id` (see [`Detail::open`]), its logs made ready.
    fn open_detail(&mut self, id: JobId, back_from: Option<JobId>) -> Option<Effect> {
        self.book.ensure_logs(&id);
        let strip = self.media.want_strip(&self.book, &id);
        self.show(Box::new(Detail::open(id, back_from)));
        strip
    }

    /// Opens `overlay` over the panes; the one open goes beneath it if it stays there (a
    /// grid), to come back when it closes.
    pub(crate) fn show(&mut self, overlay: Box<dyn Overlay>) {
        if let Some(open) = self.overlay.take()
            && open.stays_beneath()
        {
            self.beneath.push(open);
        }
        self.overlay = Some(overlay);
    }

    /// Opens `overlay` over whatever view is open, which comes back when it closes.
    fn show_over(&mut self, overlay: Box<dyn Overlay>) {
        if let Some(open) = self.overlay.take() {
            self.beneath.push(open);
        }
        self.overlay = Some(overlay);
    }

    /// Whether what plays is the open view's own: it shows a video that plays, and every
    /// video playing is one it shows (then Esc stops them first). Videos it does not show
    /// play for a view beneath it (a grid's page, under one cell's details).
    fn plays_only_here(&self) -> bool {
        self.overlay.as_ref().is_some_and(|o| {
            let shown: Vec<JobId> = o
                .shows_frames_of()
                .into_iter()
                .chain(o.job().cloned())
                .collect();
            self.media.plays_only(&shown)
        })
    }

    /// `f`: `id`'s video full screen, over whatever view is open (which comes back after).
    /// It goes on playing if it plays (in step with others), else starts alone.
    fn full_screen(&mut self, id: JobId) -> Option<Effect> {
        let start = match self.media.playing(&id) {
            // Playing, its player on its way, or a film being joined to play there.
            Some(_) => None,
            None if self.media.is_starting(&id) => None,
            None if self.media.joining.as_ref() == Some(&id) => None,
            None => match self
                .media
                .toggle_play(&self.book, std::slice::from_ref(&id))
            {
                Ok(start) => start,
                Err(why) => {
                    self.notice(why);
                    return None;
                }
            },
        };
        self.show_over(Box::new(FullScreen::open(id)));
        start
    }

    /// `,` and `.` full screen: a frame back or on, once the video stands still.
    fn step(&mut self, id: &JobId, forward: bool) {
        let key = |action| {
            self.settings
                .keys
                .short_label(action)
                .unwrap_or_else(|| action.name().to_owned())
        };
        let (play, back, on) = (
            key(Action::Play),
            key(Action::StepBack),
            key(Action::StepForward),
        );
        match self.media.step(id, forward) {
            Step::Stepped => {}
            Step::NotPlaying => {
                self.notice(format!(
                    "Nothing plays: {play} plays it, {play} again stops it"
                ));
            }
            Step::Playing => self.notice(format!(
                "{play} stops it first; then {back} and {on} step a frame back and on"
            )),
        }
    }

    pub(crate) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        if self.screen.too_small() {
            return Vec::new();
        }
        self.messages.warning_seen(self.time.now);
        self.messages.forget_notice_about(Origin::Paste);
        let mut out = Vec::new();
        let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
        // An overlay with a text field (the note) takes it; the others ignore it.
        if let Some(overlay) = self.overlay.as_mut() {
            overlay.paste(text, &mut ctx);
        } else if self.panes.get_mut(self.focus).paste(text, &mut ctx) == Outcome::HandBack {
            ctx.notice("Paste goes into the prompt or image field: Tab there first");
        }
        self.messages.acting = Some(Origin::Paste);
        let effects = self.handle_requests(out);
        self.messages.acting = None;
        effects
    }

    /// The mouse, when `[ui] mouse = true`: a click focuses the pane under it (and selects
    /// the row clicked in a list), the wheel scrolls what is under it. Where things are is
    /// what the last frame drew.
    pub(crate) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let Some(areas) = self.screen.drawn.filter(|_| !self.screen.too_small()) else {
            return Vec::new();
        };
        let at = Position::new(mouse.column, mouse.row);
        let wheel = match mouse.kind {
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::ScrollDown => Some(Action::Down),
            _ => None,
        };
        if let Some(overlay) = self.overlay.as_mut() {
            if let Some(action) = wheel {
                overlay.wheel(action == Action::Up);
            }
            return Vec::new();
        }
        let delta = if wheel == Some(Action::Up) { -1 } else { 1 };
        match (mouse.kind, wheel) {
            (MouseEventKind::Down(MouseButton::Left), _) => {
                let focus = [
                    (areas.editor, Focus::Editor),
                    (areas.image, Focus::Image),
                    (areas.optimizer, Focus::Optimizer),
                    (areas.queue, Focus::Queue),
                    (areas.logs, Focus::Queue),
                    (areas.history, Focus::History),
                ]
                .into_iter()
                .find(|(area, _)| area.contains(at));
                if let Some((_, focus)) = focus {
                    self.set_focus(focus);
                }
                if areas.queue.contains(at) {
                    self.panes.queue.click(&self.book, at.y);
                } else if areas.history.contains(at) {
                    self.panes.history.click(&self.book, at.y);
                }
            }
            (_, Some(action)) if areas.logs.contains(at) => {
                self.panes.queue.scroll_logs(&self.book, action);
            }
            (_, Some(_)) if areas.queue.contains(at) => self.panes.queue.step(&self.book, delta),
            (_, Some(_)) if areas.history.contains(at) => {
                self.panes.history.step(&self.book, delta);
            }
            _ => {}
        }
        Vec::new()
    }
}

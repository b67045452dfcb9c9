//! Defect 14: every built-in theme's text stays readable on its background. Computed from
//! the theme files themselves with WCAG's contrast ratio (at least 4.5:1 for text), ANSI
//! colours taken as xterm draws them, and `reset` as the terminal's own colours: dark text
//! on a white background for the light theme, light on black for the others.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::str::FromStr;

use ratatui::style::Color;

/// Roles drawn as text (or lines that must be seen) on the theme's background.
const ON_BACKGROUND: &[&str] = &[
    "fg",
    "muted",
    "accent",
    "border",
    "border_focused",
    "status_queued",
    "status_running",
    "status_ok",
    "status_err",
    "status_cancelled",
    "error",
    "notice",
    "diff_add",
    "diff_remove",
];

/// Roles drawn on a background of their own.
const PAIRS: &[(&str, &str)] = &[("selection_fg", "selection_bg"), ("banner_fg", "banner_bg")];

type Rgb = (u8, u8, u8);

/// xterm's 16 ANSI colours.
const ANSI: [Rgb; 16] = [
    (0x00, 0x00, 0x00),
    (0xcd, 0x00, 0x00),
    (0x00, 0xcd, 0x00),
    (0xcd, 0xcd, 0x00),
    (0x00, 0x00, 0xee),
    (0xcd, 0x00, 0xcd),
    (0x00, 0xcd, 0xcd),
    (0xe5, 0xe5, 0xe5),
    (0x7f, 0x7f, 0x7f),
    (0xff, 0x00, 0x00),
    (0x00, 0xff, 0x00),
    (0xff, 0xff, 0x00),
    (0x5c, 0x5c, 0xff),
    (0xff, 0x00, 0xff),
    (0x00, 0xff, 0xff),
    (0xff, 0xff, 0xff),
];

fn rgb(color: Color, reset: Rgb) -> Rgb {
    let ansi = |i: usize| ANSI[i];
    match color {
        Color::Reset => reset,
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i @ 0..=15) => ansi(usize::from(i)),
        Color::Indexed(i @ 16..=231) => {
            let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
            let i = i - 16;
            (level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        Color::Indexed(i) => {
            let grey = 8 + 10 * (i - 232);
            (grey, grey, grey)
        }
    }
}

fn luminance((r, g, b): Rgb) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn every_theme_reaches_4_5_to_1_between_text_and_background() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/themes")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let table: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (white, black) = ((0xff, 0xff, 0xff), (0, 0, 0));
        let (default_fg, default_bg) = if name == "light" {
            (black, white)
        } else {
            (white, black)
        };
        let color = |role: &str, reset| {
            let value = table[role].as_str().unwrap();
            rgb(Color::from_str(value).unwrap(), reset)
        };
        let background = color("bg", default_bg);
        let mut pairs: Vec<(&str, Rgb, &str, Rgb)> = ON_BACKGROUND
            .iter()
            .map(|&role| (role, color(role, default_fg), "bg", background))
            .collect();
        for &(fg, bg) in PAIRS {
            pairs.push((fg, color(fg, default_fg), bg, color(bg, default_bg)));
        }
        for (fg, fg_rgb, bg, bg_rgb) in pairs {
            checked += 1;
            let ratio = contrast(fg_rgb, bg_rgb);
            if ratio < 4.5 {
                failures.push(format!("{name}: {fg} on {bg} is {ratio:.2}:1"));
            }
        }
    }
    assert!(checked >= 3 * 16, "every built-in theme was read");
    assert!(failures.is_empty(), "below 4.5:1:\n{}", failures.join("\n"));
}

//! The only printer. Everything a person reads goes through `Reporter`, which
//! knows quiet from verbose and a terminal from a CI log. Diagnostics and
//! status lines go to stderr; stdout carries only results meant for scripts
//! (the path `new post` wrote).

#![allow(clippy::print_stderr, clippy::print_stdout, reason = "this module is the printer")]

use crate::diag::{render, Diagnostics};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Debug, Clone)]
pub struct Reporter {
    pub verbosity: Verbosity,
    pub tty: bool,
}

impl Reporter {
    pub fn new(verbosity: Verbosity) -> Self {
        Reporter { verbosity, tty: std::io::stderr().is_terminal() }
    }

    /// A line of progress or outcome ("built 42 pages").
    pub fn status(&self, msg: &str) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{msg}");
        }
    }

    /// Detail for --verbose.
    pub fn detail(&self, msg: &str) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{msg}");
        }
    }

    /// Timings: only on a terminal or with --verbose, so CI logs stay stable.
    pub fn timing(&self, msg: &str) {
        if self.verbosity == Verbosity::Verbose || (self.tty && self.verbosity == Verbosity::Normal) {
            eprintln!("{msg}");
        }
    }

    /// Every diagnostic, then a summary line. Warnings are hidden by --quiet.
    pub fn diagnostics(&self, diags: &Diagnostics) {
        if diags.is_empty() {
            return;
        }
        for d in diags.sorted() {
            if self.verbosity == Verbosity::Quiet && d.severity != crate::diag::Severity::Error {
                continue;
            }
            eprintln!("{}", render::to_text(diags, d));
        }
        if self.verbosity > Verbosity::Quiet || diags.has_errors() {
            eprintln!("{}", render::summary(diags));
        }
    }

    /// A progress bar for long work ("images 12/40"), drawn on stderr only
    /// on a terminal and not with --quiet. Not on a terminal it draws
    /// nothing: the caller prints one summary line with `status` instead.
    pub fn progress(&self, label: &'static str, total: usize) -> Progress {
        let draw = self.tty && self.verbosity >= Verbosity::Normal && total > 0;
        Progress { label, total, done: AtomicUsize::new(0), draw }
    }

    /// A fatal failure that is not about the content (an unwritable folder).
    pub fn failure(&self, err: &anyhow::Error) {
        eprintln!("error: {err:#}");
    }

    /// A result for scripts, on stdout.
    pub fn result(&self, line: &str) {
        println!("{line}");
    }
}

/// Long work counted in steps, from any thread. See `Reporter::progress`.
#[derive(Debug)]
pub struct Progress {
    label: &'static str,
    total: usize,
    done: AtomicUsize,
    draw: bool,
}

const BAR_WIDTH: usize = 24;

impl Progress {
    /// One more step done.
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.draw {
            let line = bar_line(self.label, done.min(self.total), self.total);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
        }
    }

    /// Clears the bar, so the next line starts on a clean line.
    pub fn finish(&self) {
        if self.draw && self.done.load(Ordering::Relaxed) > 0 {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// `images [#########---------------] 12/40`.
fn bar_line(label: &str, done: usize, total: usize) -> String {
    let filled = (done * BAR_WIDTH).checked_div(total).unwrap_or(BAR_WIDTH);
    format!("{label} [{}{}] {done}/{total}", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_bar_line() {
        assert_eq!(bar_line("images", 0, 40), "images [------------------------] 0/40");
        assert_eq!(bar_line("images", 12, 40), "images [#######-----------------] 12/40");
        assert_eq!(bar_line("images", 40, 40), "images [########################] 40/40");
    }

    #[test]
    fn progress_counts_without_drawing_off_a_terminal() {
        let r = Reporter { verbosity: Verbosity::Normal, tty: false };
        let p = r.progress("images", 3);
        p.tick();
        p.tick();
        p.finish();
        assert_eq!(p.done.load(Ordering::Relaxed), 2);
        assert!(!p.draw);
    }
}

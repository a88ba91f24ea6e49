//! The only printer. Everything a person reads goes through `Reporter`, which
//! knows quiet from verbose and a terminal from a CI log. Diagnostics and
//! status lines go to stderr; stdout carries only results meant for scripts
//! (the path `new post` wrote).

#![allow(clippy::print_stderr, clippy::print_stdout, reason = "this module is the printer")]

use crate::diag::{render, Diagnostics};
use std::io::IsTerminal;

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

    /// A fatal failure that is not about the content (an unwritable folder).
    pub fn failure(&self, err: &anyhow::Error) {
        eprintln!("error: {err:#}");
    }

    /// A result for scripts, on stdout.
    pub fn result(&self, line: &str) {
        println!("{line}");
    }
}

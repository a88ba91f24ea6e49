//! `shopstory serve`: from the command line to `serve::ServeOptions`.

use crate::cli::ServeArgs;
use crate::options::BuildOptions;
use crate::report::Reporter;
use crate::serve::{serve, ServeOptions};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: &ServeArgs, reporter: &Reporter) -> Result<ExitCode> {
    let root = match super::site::find_or_report(args.root.as_deref(), reporter) {
        Ok(root) => root,
        Err(code) => return Ok(code),
    };
    let mut build = BuildOptions::new(&root, None, reporter.verbosity);
    build.drafts = args.drafts;
    let opts = ServeOptions { build, bind: args.bind, port: args.port, open: args.open, poll: args.poll };
    serve(&opts, reporter)
}

//! Glue between the command line and the library: one `run` per command,
//! each returning the exit code. Content errors exit 1, failures exit 1,
//! usage errors exit 2 (clap).

pub mod build;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;
pub mod site;

use crate::cli::{Cli, Command, ImportCommand, NewCommand};
use crate::report::{Reporter, Verbosity};
use std::process::ExitCode;

pub fn run(cli: Cli) -> ExitCode {
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let reporter = Reporter::new(verbosity);
    let result = match cli.command {
        Command::Init(args) => init::run(&args, &reporter),
        Command::New(NewCommand::Post(args)) => new::post(&args, &reporter),
        Command::New(NewCommand::Moment(args)) => new::moment(&args, &reporter),
        Command::Build(args) => build::build(&args, &reporter),
        Command::Check(args) => build::check(&args, &reporter),
        Command::Serve(args) => serve::run(&args, &reporter),
        Command::Import(ImportCommand::Reviews(args)) => import::reviews(&args, &reporter),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            reporter.failure(&err);
            ExitCode::from(1)
        }
    }
}

//! The binary: parse the command line, run the command, map the outcome to
//! an exit code (0 success, 1 content errors or failure, 2 usage).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = shopstory::cli::Cli::parse();
    shopstory::commands::run(cli)
}

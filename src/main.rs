//! The `copydesk` binary: everything lives in the library; this only hands over to the CLI.

use std::process::ExitCode;

fn main() -> ExitCode {
    copydesk::cli::run()
}

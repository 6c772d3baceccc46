//! The `synergai` binary: parse arguments, dispatch, map errors to the
//! documented exit codes.

use clap::Parser;
use synergai::cli::{Cli, run};

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for usage errors.
            return std::process::ExitCode::from(e.exit_code() as u8);
        }
    };
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, synergai::Error::Answer(_)) {
                eprintln!("error: {e}");
            }
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}

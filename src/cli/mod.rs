//! Argument parsing and exit codes. One module per subcommand.

mod extract;

use clap::{Parser, Subcommand};

/// Exit codes (also in `--help` and the README).
pub const EXIT_OK: i32 = 0;
pub const EXIT_USAGE_OR_OUTPUT: i32 = 1;
pub const EXIT_SOME_FAILED: i32 = 2;

#[derive(Parser)]
#[command(
    name = "portolan",
    version,
    about = "Turn vendor port-utilization chapters into one canonical port dataset",
    after_help = "Exit codes:\n  0  every document was processed\n  1  usage error, or the outputs could not be written\n  2  the run finished but some documents failed (they are listed in report.json / report.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract every port the documents mention into ports.csv, ports.json and a run report.
    Extract(extract::Args),
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_USAGE_OR_OUTPUT
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Extract(a) => match extract::run(a) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("portolan: {e:#}");
                EXIT_USAGE_OR_OUTPUT
            }
        },
    }
}

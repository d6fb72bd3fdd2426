use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(crmctl::run(std::env::args_os()))
}

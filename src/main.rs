use std::process::ExitCode;

fn main() -> ExitCode {
    crmctl::crash::install();
    ExitCode::from(crmctl::run(std::env::args_os()))
}

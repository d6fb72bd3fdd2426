//! One file per subcommand: its clap `Args`, a `run` returning a report, and the
//! report's text and JSON forms.

pub mod completions;
pub mod decrypt;
#[cfg(feature = "emulator")]
pub mod demo;
pub mod doctor;
#[cfg(feature = "emulator")]
pub mod emulate;
pub mod encrypt;
pub mod keygen;
pub mod login;
pub mod lookup;
pub mod rekey;
pub mod settings;
pub mod validate_settings;

use crate::cli::Command;
use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::Report;

pub fn dispatch(ctx: &Ctx, command: &Command) -> Result<Box<dyn Report>, CliError> {
    match command {
        Command::Encrypt(args) => encrypt::run(ctx, args),
        Command::Decrypt(args) => decrypt::run(ctx, args),
        Command::Keygen(args) => keygen::run(ctx, args),
        #[cfg(feature = "emulator")]
        Command::Emulate(args) => emulate::run(ctx, args),
        Command::Login(args) => login::run(ctx, args),
        Command::Lookup(args) => lookup::run(ctx, args),
        Command::Doctor(args) => doctor::run(ctx, args),
        #[cfg(feature = "emulator")]
        Command::Demo(args) => demo::run(ctx, args),
        #[cfg(not(feature = "emulator"))]
        Command::Emulate(_) | Command::Demo(_) => Err(not_built(command.name())),
        Command::ValidateSettings(args) => validate_settings::run(ctx, args),
        Command::Settings(args) => settings::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
        Command::Rekey(args) => rekey::run(ctx, args),
    }
}

/// `emulate` or `demo` in a build without the emulated org (`--no-default-features`):
/// a usage error that says so and how to get a build that has it.
#[cfg(not(feature = "emulator"))]
fn not_built(name: &str) -> CliError {
    CliError::usage(format!(
        "this crmctl was built without the emulated org (the `emulator` feature), so it has no `{name}` command"
    ))
    .with_hint(
        "use a crmctl built with the default features (`cargo build --release`); see README \"Building without the emulator\"",
    )
}

//! `crmctl completions`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::{Printer, Report};

/// Print a shell completion script
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
crmctl completions bash > ~/.local/share/bash-completion/completions/crmctl\n  \
crmctl completions zsh > \"${fpath[1]}/_crmctl\"\n  \
crmctl completions fish > ~/.config/fish/completions/crmctl.fish\n  \
crmctl completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub struct CompletionsReport {
    shell: Shell,
    script: String,
}

impl Report for CompletionsReport {
    fn data(&self) -> serde_json::Value {
        json!({ "shell": self.shell.to_string(), "script": self.script })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        out.data(&self.script)
    }
}

pub fn run(_ctx: &Ctx, args: &CompletionsArgs) -> Result<Box<dyn Report>, CliError> {
    Ok(Box::new(CompletionsReport {
        shell: args.shell,
        script: crate::assets::completion_script(args.shell),
    }))
}

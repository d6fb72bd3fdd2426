//! The regions national numbers are read in, as `lookup` and `doctor` resolve them.

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::screenpop::lookup::{self, Kind, RegionSource};
use crate::screenpop::phone::Region;

/// The regions national numbers are read in: `--region`, else `CRMCTL_REGION`, else the
/// locale's. A bad `--region` is a usage error (2) in every command and for every kind
/// of value; a bad `CRMCTL_REGION` is a configuration error (3), checked (with
/// `--region` too) only when a number needs a region, so an e-mail or case lookup never fails on the environment.
pub fn regions(ctx: &Ctx, flag: Option<&str>, kind: Kind) -> Result<lookup::Regions, CliError> {
    let flag = region_flag(flag)?;
    if kind != Kind::Phone {
        return Ok(lookup::Regions::default());
    }
    // Checked though --region overrides it, as every variable a command reads.
    let env = ctx
        .env
        .region
        .as_deref()
        .map(|code| {
            Region::parse(code).map_err(|e| {
                CliError::input(format!("{}: {e}", crate::env::names::REGION))
                    .with_hint("set it to a two-letter country code such as NL, or unset it")
            })
        })
        .transpose()?;
    let given = match (flag, env) {
        (Some(region), _) => Some((region, RegionSource::Flag)),
        (None, Some(region)) => Some((region, RegionSource::Env)),
        (None, None) => None,
    };
    Ok(lookup::Regions {
        given,
        locale: ctx.env.locale.as_deref().and_then(Region::from_locale),
    })
}

/// `--region` checked as given, whether or not a number will need it.
pub fn region_flag(flag: Option<&str>) -> Result<Option<Region>, CliError> {
    flag.map(|code| {
        Region::parse(code).map_err(|e| {
            CliError::usage(format!("--region: {e}"))
                .with_hint("give a two-letter country code, e.g. --region NL")
        })
    })
    .transpose()
}

/// A value the screen pop cannot search for: a usage error (2).
pub fn plan_error(e: lookup::PlanError) -> CliError {
    CliError::usage(e.message)
}

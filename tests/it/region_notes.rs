//! How a number was read is said alike by `lookup` and `doctor --ani`: with no region
//! (no --region, CRMCTL_REGION or locale) both say the digits were searched as typed,
//! and with one both say where it came from.

use emulator::{Background, Config};

use crate::support::{Run, Sandbox};

fn run(sb: &Sandbox, emu: &Background, extra: &[(&str, &str)], args: &[&str]) -> Run {
    let mut env = crate::support::demo_env(&emu.base_url);
    env.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sb.run(args, &env, "")
}

fn screen_pop_detail(out: &Run) -> String {
    out.json()["data"]["uccs"][0]["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["step"] == "screen-pop")
        .map(|s| s["detail"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

#[test]
fn lookup_and_doctor_say_alike_how_a_national_number_was_read() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    for (env, note) in [
        (&[][..], "searching the digits as typed"),
        (
            &[("CRMCTL_REGION", "NL")][..],
            "read as a national number of NL (from CRMCTL_REGION)",
        ),
    ] {
        let lookup = run(&sb, &emu, env, &["lookup", "020-1234567"]);
        assert!(lookup.stderr.contains(note), "lookup: {}", lookup.stderr);
        let doctor = run(
            &sb,
            &emu,
            env,
            &["doctor", "--json", "--ani", "020-1234567"],
        );
        let detail = screen_pop_detail(&doctor);
        assert!(detail.contains(note), "doctor: {detail}\n{}", doctor.stdout);
    }
}

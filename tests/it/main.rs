//! crmctl's integration tests: one binary, one module per area. Every test runs
//! the real `crmctl` binary with a controlled, minimal environment.

mod batch;
mod bulk;
mod calllog;
mod ci_formats;
mod cipher_vectors;
mod cli;
mod crm_bulk;
mod crm_model;
mod decrypt;
#[cfg(feature = "emulator")]
mod demo;
mod doctor;
mod empty_stdin;
#[cfg(feature = "emulator")]
mod emulate;
mod encrypt;
mod env_vars;
mod escaping;
mod exit_codes;
mod gate;
mod help_examples;
mod hostile;
mod hostile_server;
mod house;
mod index;
mod inputs;
mod jwt;
mod keygen;
mod leaks;
mod limits;
mod login;
mod lookup;
mod messages;
mod org_transcripts;
mod phone;
mod prompt;
mod readiness;
mod region_notes;
mod rekey;
mod safe_write;
mod settings_export;
mod settings_set;
mod signals;
mod snap;
mod streams;
mod support;
mod transcripts;
mod trust;
mod untrusted;
mod usage_consistency;
mod usage_secrets;
mod validate;
mod validate_fix;
mod yaml_files;

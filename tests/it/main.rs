//! crmctl's integration tests: one binary, one module per area. Every test runs
//! the real `crmctl` binary with a controlled, minimal environment.

mod batch;
mod bulk;
mod calllog;
mod cipher_vectors;
mod cli;
mod decrypt;
mod demo;
mod doctor;
mod emulate;
mod encrypt;
mod escaping;
mod exit_codes;
mod hostile;
mod hostile_server;
mod index;
mod inputs;
mod keygen;
mod leaks;
mod login;
mod lookup;
mod phone;
mod prompt;
mod rekey;
mod safe_write;
mod signals;
mod support;
mod validate;

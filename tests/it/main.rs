//! crmctl's integration tests: one binary, one module per area. Every test runs
//! the real `crmctl` binary with a controlled, minimal environment.

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
mod keygen;
mod leaks;
mod login;
mod lookup;
mod prompt;
mod rekey;
mod support;
mod validate;

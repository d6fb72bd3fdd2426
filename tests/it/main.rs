//! crmctl's integration tests: one binary, one module per area. Every test runs
//! the real `crmctl` binary with a controlled, minimal environment.

mod batch;
mod bulk;
mod cipher_vectors;
mod cli;
mod decrypt;
mod demo;
mod emulate;
mod encrypt;
mod escaping;
mod keygen;
mod leaks;
mod login;
mod lookup;
mod prompt;
mod support;
mod validate;

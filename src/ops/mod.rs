//! Work shared by several commands, below them (as cargo's `ops`): resolving a
//! connection, gathering credentials, the login check, probes and regions. A
//! command calls into `ops`; `ops` never imports a command, and no command
//! imports another.

pub mod connect;
pub mod credentials;
pub mod env_check;
pub mod probe;
pub mod regions;
pub mod session;

pub use connect::{ConnectSettings, DEFAULT_API_VERSION, SecretSource};

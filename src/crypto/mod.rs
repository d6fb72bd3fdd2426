//! The password tool's cipher and the key profiles it runs under. Pure functions:
//! nothing here prints or reads the environment.

pub mod cipher;
pub mod material;
pub mod profile;

pub use cipher::{Cipher, DecryptError};
pub use profile::{KeyProfile, ProfileError};

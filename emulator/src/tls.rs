//! A CA and a server certificate for 127.0.0.1 and localhost, made at start-up.
//! The CA's PEM is written to disk so clients can trust it (`--ca-cert`).

use std::path::Path;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
}

pub fn make(ca_path: &Path) -> Result<Tls, String> {
    let err = |e: &dyn std::fmt::Display| format!("TLS set-up failed: {e}");
    let ca_key = KeyPair::generate().map_err(|e| err(&e))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| err(&e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "crmctl emulator test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(|e| err(&e))?;
    let leaf_key = KeyPair::generate().map_err(|e| err(&e))?;
    let mut leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| err(&e))?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "crmctl emulator");
    let leaf = leaf_params.signed_by(&leaf_key, &ca).map_err(|e| err(&e))?;
    let ca_pem = ca.pem();
    std::fs::write(ca_path, &ca_pem)
        .map_err(|e| format!("cannot write {}: {e}", ca_path.display()))?;
    let chain = vec![CertificateDer::from(leaf.der().to_vec()), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| err(&e))?;
    Ok(Tls {
        config: Arc::new(config),
    })
}

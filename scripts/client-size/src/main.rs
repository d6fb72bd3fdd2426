//! One POST of a form over HTTPS with no redirects followed, read back as text: the
//! shape of crmctl's token request. Built three ways (no client, reqwest, ureq) so the
//! difference in size is the client's alone. Every build makes a TLS handshake reachable,
//! so rustls' client is in all three.

fn main() {
    #[allow(deprecated)] // the provider crmctl uses; the newest rustls suggests another
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = std::env::args().nth(1).unwrap_or_default();
    match post(&url) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("{e}"),
    }
}

#[cfg(feature = "reqwest")]
fn post(url: &str) -> Result<String, Box<dyn std::error::Error>> {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = client.post(url).body("grant_type=password").send()?;
    Ok(format!("{} {}", response.status(), response.text()?))
}

#[cfg(all(feature = "ureq", not(feature = "reqwest")))]
fn post(url: &str) -> Result<String, Box<dyn std::error::Error>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .build()
        .into();
    use std::io::Read;
    let mut response = agent.post(url).send("grant_type=password")?;
    let mut text = String::new();
    response.body_mut().as_reader().read_to_string(&mut text)?;
    Ok(format!("{} {text}", response.status()))
}

/// No HTTP client: a TLS handshake over a plain socket, so rustls' client code is kept.
#[cfg(not(any(feature = "reqwest", feature = "ureq")))]
fn post(url: &str) -> Result<String, Box<dyn std::error::Error>> {
    use std::io::Read;
    use std::sync::Arc;
    let host = url
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default();
    let roots = rustls::RootCertStore::empty();
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name)?;
    let mut sock = std::net::TcpStream::connect((host, 443))?;
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    std::io::Write::write_all(&mut tls, b"POST / HTTP/1.1\r\n\r\n")?;
    let mut text = String::new();
    tls.read_to_string(&mut text)?;
    Ok(text)
}

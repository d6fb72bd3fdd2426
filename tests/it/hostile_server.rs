//! A hostile "org" for tests: a plain std TcpListener on 127.0.0.1 (optionally
//! TLS), one thread per connection, every answer `Connection: close`, and hard
//! bounds on time, connections and request size so a test can never hang.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded `q` parameter of a search or query.
    pub fn q(&self) -> String {
        let raw = self.path.split_once("?q=").map(|(_, q)| q).unwrap_or("");
        percent_decode(raw)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub trait Conn: Read + Write + Send {}
impl<T: Read + Write + Send> Conn for T {}

pub type Handler = dyn Fn(&Req, &mut dyn Write, &str) + Send + Sync;

pub struct Server {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Req>>>,
    pub connections: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Server {
    pub fn start(handler: impl Fn(&Req, &mut dyn Write, &str) + Send + Sync + 'static) -> Server {
        Self::start_with(None, Arc::new(handler))
    }

    pub fn start_tls(
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Req, &mut dyn Write, &str) + Send + Sync + 'static,
    ) -> Server {
        Self::start_with(Some(config), Arc::new(handler))
    }

    fn start_with(tls: Option<Arc<rustls::ServerConfig>>, handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, c, st, base) = (
            requests.clone(),
            connections.clone(),
            stop.clone(),
            url.clone(),
        );
        std::thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(120);
            while !st.load(Ordering::SeqCst) && Instant::now() < until {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if c.fetch_add(1, Ordering::SeqCst) > 200 {
                            continue;
                        }
                        let (r, h, tls, base) =
                            (r.clone(), handler.clone(), tls.clone(), base.clone());
                        std::thread::spawn(move || serve(stream, tls, &r, &*h, &base));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            url,
            requests,
            connections,
            stop,
        }
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

fn serve(
    stream: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    log: &Mutex<Vec<Req>>,
    handler: &Handler,
    base: &str,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let mut conn: Box<dyn Conn> = match tls {
        Some(cfg) => match rustls::ServerConnection::new(cfg) {
            Ok(sc) => Box::new(rustls::StreamOwned::new(sc, stream)),
            Err(_) => return,
        },
        None => Box::new(stream),
    };
    let Some(req) = read_request(&mut *conn) else {
        return;
    };
    if let Ok(mut g) = log.lock() {
        g.push(req.clone());
    }
    handler(&req, &mut *conn, base);
    let _ = conn.flush();
}

fn read_request(conn: &mut dyn Conn) -> Option<Req> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || conn.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1024 * 1024);
    let mut body = vec![0u8; len];
    conn.read_exact(&mut body).ok()?;
    Some(Req {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// A whole answer with `Connection: close`.
pub fn respond(w: &mut dyn Write, status: u16, extra: &[(&str, &str)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = w.write_all(head.as_bytes());
    let _ = w.write_all(body.as_bytes());
}

/// A token answer naming `instance` as the instance URL.
pub fn token_ok(instance: &str) -> String {
    serde_json::json!({
        "access_token": "00Dhostile!TOKENVALUE",
        "instance_url": instance,
        "id": format!("{instance}/id/00D000000000001AAA/005000000000001AAA"),
        "token_type": "Bearer",
        "issued_at": "1700000000000",
        "signature": "x"
    })
    .to_string()
}

/// A TLS server config for 127.0.0.1 and the PEM of the CA that signed it.
pub fn tls_config() -> (Arc<rustls::ServerConfig>, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = KeyPair::generate().expect("key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "hostile test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("ca");
    let leaf_key = KeyPair::generate().expect("key");
    let leaf_params = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
    let leaf = leaf_params.signed_by(&leaf_key, &ca).expect("leaf");
    let chain = vec![CertificateDer::from(leaf.der().to_vec()), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("config");
    (Arc::new(config), ca.pem())
}

//! The warm-up: the org's connection opened while the token request is in flight.

use std::io::Read;
use std::time::{Duration, Instant};

use reqwest::Url;

use super::{Client, TOKEN_BODY_CAP, network};

/// A connection being opened to the org's URL ([`Client::warm`]).
pub struct Warming {
    org: Url,
    /// The versions list's body when it answered 200, once the warm-up is done.
    settled: std::sync::mpsc::Receiver<Option<Vec<u8>>>,
}

impl Warming {
    /// Before the first data call. When the session's instance is the warmed host,
    /// waits for the warm-up to hand its connection back to the pool, so the call
    /// uses it rather than racing it with a new one, and returns the versions list it
    /// read (`login` uses it). The wait is at most as long as the token request took
    /// (the warm-up left first, so it is normally done), and at least 50 ms: a slow
    /// or stuck versions list costs no more, and the call then goes on its own.
    pub fn settle(self, session: &crate::salesforce::Session) -> Option<Vec<u8>> {
        let same = Url::parse(&session.instance_url).is_ok_and(|i| same_origin(&i, &self.org));
        if !same {
            return None;
        }
        let patience = session.elapsed.max(Duration::from_millis(50));
        self.settled.recv_timeout(patience).ok().flatten()
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

impl Client {
    /// Opens the connection to the org's URL while the token request is in flight,
    /// when that URL is known before the token answers (a settings file's
    /// ApplicationHost, `--instance-url`) and is not the login host (whose connection
    /// the token request opens). It sends a GET of the versions list from another
    /// thread: that needs no session, carries no credential and is not counted
    /// against API limits. The connection stays in the pool; [`Warming::settle`]
    /// lets the first data call find it there. An https login never warms http.
    pub fn warm(&self, org_url: &str, login_url: &str) -> Option<Warming> {
        let skip = |why: &str| {
            self.trace(&format!("not opening the org's URL ahead: {why}"));
            None
        };
        let org = match Self::check_url(org_url.trim()) {
            Ok(u) => u,
            Err(e) => return skip(&e.describe().to_legacy_string()),
        };
        let login = Self::check_url(login_url).ok()?;
        if same_origin(&org, &login) {
            return None;
        }
        if login.scheme() == "https" && org.scheme() != "https" {
            return skip("the login is over https and the org's URL is plain http");
        }
        let versions = org.join("/services/data/").ok()?;
        // One client per scheme, one pool each: when the token request needs this
        // scheme's client too, build it here first so both threads share it; else the
        // warm-up builds it (loading the trust store) off the token's path.
        if org.scheme() == login.scheme() {
            self.http_for(&versions).ok()?;
        }
        let client = self.clone();
        let (done, settled) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            client.trace(&format!(
                "GET {versions} (opening the org's connection while the token request is in flight)"
            ));
            let t = Instant::now();
            let mut answer = None;
            let outcome = match client.http_for(&versions) {
                Err(e) => e.describe().to_legacy_string(),
                Ok(http) => {
                    let timeout = client.settings.connect_timeout + client.settings.timeout;
                    match http.get(versions).timeout(timeout).send() {
                        Err(e) => network(&e).describe().to_legacy_string(),
                        Ok(resp) => {
                            // Read to the end (capped) so the connection goes back to the pool.
                            let status = resp.status().as_u16();
                            let mut body = Vec::new();
                            let read = resp.take(TOKEN_BODY_CAP + 1).read_to_end(&mut body);
                            if status == 200 && read.is_ok() && body.len() as u64 <= TOKEN_BODY_CAP
                            {
                                answer = Some(body);
                            }
                            status.to_string()
                        }
                    }
                }
            };
            let ms = t.elapsed().as_millis();
            // Handed over before it is traced: once the line is out, `settle` has it.
            let _ = done.send(answer);
            client.trace(&format!(
                "<- {outcome} from the org's versions list ({ms} ms)"
            ));
        });
        Some(Warming { org, settled })
    }
}

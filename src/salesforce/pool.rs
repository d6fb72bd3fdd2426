//! One session for every worker of a run (issue 16, item 3): a rejected session
//! (`INVALID_SESSION_ID`) is replaced once for all workers and the call retried, and
//! the org's API usage (`Sforce-Limit-Info`) is kept from every answer. Used by the
//! bulk lookups, one row at a time or batched, by `--index`'s export, and by doctor's
//! steps after each login.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use super::{CallInfo, Client, Credentials, Session, SfError};

pub struct SessionPool<'a> {
    client: &'a Client,
    creds: Option<&'a Credentials>,
    session: RwLock<Arc<Session>>,
    relogins: AtomicU64,
    usage: Mutex<Option<(u64, u64)>>,
}

impl<'a> SessionPool<'a> {
    pub fn new(client: &'a Client, session: Session) -> Self {
        SessionPool {
            client,
            creds: None,
            session: RwLock::new(Arc::new(session)),
            relogins: AtomicU64::new(0),
            usage: Mutex::new(None),
        }
    }

    /// Log in again with these when the session is rejected (without them a
    /// rejected session is an error like any other).
    pub fn relogin_with(mut self, creds: &'a Credentials) -> Self {
        self.creds = Some(creds);
        self
    }

    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// Sessions replaced so far.
    pub fn relogins(&self) -> u64 {
        self.relogins.load(Ordering::Relaxed)
    }

    /// `Sforce-Limit-Info` of the answers so far (the highest usage seen).
    pub fn api_usage(&self) -> Option<(u64, u64)> {
        *self.usage.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a usage read from an answer.
    pub fn note_usage(&self, usage: Option<(u64, u64)>) {
        let Some(u) = usage else { return };
        let mut cur = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        if cur.is_none_or(|c| u.0 >= c.0) {
            *cur = Some(u);
        }
    }

    /// The session now in use, for a call that must not be repeated after a
    /// re-login (a write whose first attempt may have landed).
    pub fn session(&self) -> Arc<Session> {
        self.current()
    }

    fn current(&self) -> Arc<Session> {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Runs `f` with the current session; when the org rejects the session, logs in
    /// again (once for all workers: a worker whose rejected session was already
    /// replaced takes the new one) and runs `f` again. The session another worker
    /// put in may itself run out before our retry reaches the org, so a call retries
    /// while the rejected session is not one it logged in itself: at most two
    /// re-logins per call.
    pub fn with_session<T>(
        &self,
        f: impl Fn(&Session) -> Result<T, SfError>,
    ) -> Result<T, SfError> {
        let mut session = self.current();
        let mut answer = f(&session);
        for _ in 0..2 {
            let Some(creds) = self.creds else { break };
            if !matches!(&answer, Err(e) if e.has_api_code("INVALID_SESSION_ID")) {
                break;
            }
            let (fresh, ours) = {
                let mut guard = self.session.write().unwrap_or_else(|e| e.into_inner());
                if Arc::ptr_eq(&guard, &session) {
                    *guard = Arc::new(self.client.login(creds)?);
                    self.relogins.fetch_add(1, Ordering::Relaxed);
                    (guard.clone(), true)
                } else {
                    (guard.clone(), false)
                }
            };
            session = fresh;
            answer = f(&session);
            if ours {
                break;
            }
        }
        answer
    }

    /// [`SessionPool::with_session`] for one data call, whose API usage is kept.
    pub fn call<T>(
        &self,
        f: impl Fn(&Client, &Session) -> Result<(T, CallInfo), SfError>,
    ) -> Result<T, SfError> {
        let (v, info) = self.with_session(|s| f(self.client, s))?;
        self.note_usage(info.api_usage);
        Ok(v)
    }
}

//! State shared by every connection: the org, sessions, counters, query cursors.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::faults::Faults;
use crate::org::Org;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// Stands in for login.salesforce.com / test.salesforce.com.
    Login,
    /// Stands in for the org's My Domain host, which is also its instance.
    MyDomain,
}

pub struct Session {
    pub user_id: String,
    pub issued: Instant,
    pub requests: u64,
}

/// A query's remaining rows, fetched through `nextRecordsUrl`.
pub struct Cursor {
    pub rows: Vec<Value>,
    pub total: usize,
    pub batch: usize,
    /// API version of the first request; later pages keep it.
    pub version: String,
}

/// Request counts for tests and benchmarks (`GET /__emulator/stats`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    /// Requests answered (or dropped), the stats route itself excluded.
    pub total: u64,
    /// TCP connections accepted.
    pub connections: u64,
    /// Per route name (`token`, `search`, `query`, ...).
    pub routes: BTreeMap<String, u64>,
    /// Data API calls counted against the daily limit.
    pub api_calls: u64,
}

pub struct Shared {
    pub org: RwLock<Org>,
    pub faults: Faults,
    pub instance_url: String,
    pub login_url: String,
    pub sessions: Mutex<HashMap<String, Session>>,
    pub cursors: Mutex<HashMap<String, Cursor>>,
    pub stats: Mutex<Stats>,
    pub api_calls: AtomicU64,
    pub logins: AtomicU64,
    pub requests: AtomicU64,
    pub next_locator: AtomicU64,
    pub rng: Mutex<u64>,
    /// Bulk API 2.0 jobs (src/bulk2/).
    pub bulk: crate::bulk2::Jobs,
}

pub const MAX_CURSORS: usize = 1000;

impl Shared {
    pub fn new(org: Org, faults: Faults, instance_url: String, login_url: String) -> Self {
        // SplitMix64 output is well mixed from the first draw for any seed, so a
        // small seed does not make the first request fault (xorshift did).
        let seed = faults.seed;
        Shared {
            org: RwLock::new(org),
            faults,
            instance_url,
            login_url,
            sessions: Mutex::new(HashMap::new()),
            cursors: Mutex::new(HashMap::new()),
            stats: Mutex::new(Stats::default()),
            api_calls: AtomicU64::new(0),
            logins: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            next_locator: AtomicU64::new(1),
            rng: Mutex::new(seed),
            bulk: crate::bulk2::Jobs::default(),
        }
    }

    /// Counts one data API call unless the daily limit (or the `request_limit`
    /// fault) is reached.
    pub fn take_api_call(&self, api_limit: u64) -> bool {
        let used = self.api_calls.load(Ordering::Relaxed);
        if self.faults.request_limit.is_some_and(|limit| used >= limit) || used >= api_limit {
            return false;
        }
        self.api_calls.fetch_add(1, Ordering::Relaxed);
        true
    }

    pub fn count_login(&self) -> u64 {
        self.logins.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A fresh access token for `user_id`, shaped like `<org id 15>!<opaque>`.
    pub fn new_session(&self, org: &Org, user_id: &str) -> (String, String) {
        let mut opaque = String::new();
        for _ in 0..3 {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write(user_id.as_bytes());
            h.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            opaque.push_str(&format!("{:016x}", h.finish()));
        }
        let token = format!("{}!AR{}", &org.id[..15], opaque);
        let issued_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
            .to_string();
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                token.clone(),
                Session {
                    user_id: user_id.to_string(),
                    issued: Instant::now(),
                    requests: 0,
                },
            );
        (token, issued_at)
    }

    pub fn count_route(&self, route: &str) {
        let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        s.total += 1;
        *s.routes.entry(route.to_string()).or_insert(0) += 1;
    }

    pub fn count_connection(&self) {
        self.stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .connections += 1;
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone();
        s.api_calls = self.api_calls.load(Ordering::Relaxed);
        s
    }

    /// A uniform number in [0, 1) from the seeded generator (fault rates).
    pub fn random(&self) -> f64 {
        let mut x = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        (splitmix64(&mut x) >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn store_cursor(&self, cursor: Cursor) -> String {
        let n = self.next_locator.fetch_add(1, Ordering::Relaxed);
        let locator = crate::ids::make_id("01g", n);
        let mut c = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
        if c.len() >= MAX_CURSORS {
            // Oldest-first eviction would need order; dropping all is a rare, bounded reset.
            c.clear();
        }
        c.insert(locator.clone(), cursor);
        locator
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): one step of the generator.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `signature` of a token response: base64 of a keyed hash over `id + issued_at`.
/// Clients don't check it (salesforce-api.md 1.2), so this is not HMAC-SHA256.
pub fn signature(key: &str, data: &str) -> String {
    let mut bytes = Vec::with_capacity(32);
    for i in 0..4u8 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(i);
        for b in key.bytes().chain(data.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        bytes.extend_from_slice(&h.to_be_bytes());
    }
    base64(&bytes)
}

pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(super::base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(super::base64(b"foob"), "Zm9vYg==");
    }
}

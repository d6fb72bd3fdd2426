//! Ctrl-C and SIGTERM for long runs (bulk lookups): the first signal sets a flag
//! that the workers check between lookups, so the run ends with the rows done so
//! far and one JSON document; a second signal ends the process at once.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// 0 while no signal came; else the exit code it asks for (130 SIGINT, 143 SIGTERM).
static FLAG: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Installs the handlers once per process; later calls return the same flag.
/// Without handlers (registration failed) the flag simply never rises.
pub fn install() -> Arc<AtomicUsize> {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicUsize::new(0));
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            let any = Arc::new(std::sync::atomic::AtomicBool::new(false));
            for (sig, code) in [(SIGINT, 130usize), (SIGTERM, 143)] {
                // Order matters: the second signal finds `any` set and terminates.
                let _ = signal_hook::flag::register_conditional_default(sig, any.clone());
                let _ = signal_hook::flag::register(sig, any.clone());
                let _ = signal_hook::flag::register_usize(sig, flag.clone(), code);
            }
        }
        flag
    })
    .clone()
}

/// The exit code of the signal that interrupted the run, if one did.
pub fn requested(flag: &AtomicUsize) -> Option<u8> {
    match flag.load(Ordering::SeqCst) {
        0 => None,
        c => u8::try_from(c).ok(),
    }
}

//! The long help of `cloudpki-fake --help` after the options: every fault kind with an
//! example, the admin routes, the env file and what stdout carries.

use std::fmt::Write as _;

use crate::plan::FaultKind;

/// The text after the options in `cloudpki-fake --help`.
#[must_use]
pub fn after_long_help() -> String {
    let mut text = String::from(
        "Faults (--faults): rate=R (0..1, the probability per Graph request) and kinds=K,K,... \
         (all: the first eight, the default; every: every kind). A request is drawn among the \
         kinds that apply to it (some only strike writes, some only reads), deterministically \
         from --seed and the request. Options: retry-after=1 (for 429 and 503), slow=1s, \
         writes=before|after|both (when 504, truncate and drop strike a write), late=30s, \
         stale=2s, huge=1GiB. Every injected fault is counted in GET /_fake/stats (faults, \
         and write_faults per kind:phase).\n\n",
    );
    for kind in FaultKind::EVERY {
        let _ = writeln!(text, "  {:<22} {}", kind.as_str(), kind.description());
        let _ = writeln!(text, "  {:<22} e.g. --faults {}", "", kind.example());
    }
    text.push_str("\nAdmin routes (no auth, no faults, not counted), on the base URL's origin:\n");
    for (method, path, what) in crate::admin::ROUTES {
        let _ = writeln!(text, "  {method:<5} {path:<26} {what}");
    }
    text.push_str(
        "\nStdout: the base URL (http://127.0.0.1:PORT/beta) on the first line, `token: <bearer>` \
         on the second (scopes from --print-token), nothing else.\n\
         --env-file FILE: once listening, FILE is written atomically (a temporary file in the \
         same directory, synced, renamed) with CLOUDPKI_BASE_URL=... and GRAPH_TOKEN=... lines; \
         wait for it, then `set -a; . FILE; set +a`.\n\n\
         Example:\n  cloudpki-fake --certs 200 --faults rate=0.1,kinds=every,late=40s --env-file /tmp/fake.env &\n  \
         while [ ! -e /tmp/fake.env ]; do sleep 0.1; done; set -a; . /tmp/fake.env; set +a\n",
    );
    text
}

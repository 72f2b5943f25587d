//! `GET /block/N`: one block's page. What the pipeline knows (status, hashes, the replayed
//! root), the stored proof's metadata with a download link, and the verification panel: the
//! page's script (`assets/block.js`) loads the WebAssembly verifier, fetches the proof from
//! this API and the headers from the sequencer, checks them in the browser and writes
//! "verified" or "rejected" (with the reason) into `#verdict`.

use std::fmt::Write;

use proof_store::{JobRecord, ProofMetadata};

use crate::web::html::{age, escape, page};
use crate::web::summary::status_name;

/// What the block page shows.
pub struct BlockView<'a> {
    pub block_number: u64,
    pub record: Option<&'a JobRecord>,
    pub metadata: Option<&'a ProofMetadata>,
    /// The sequencer's JSON-RPC, where the page reads headers from.
    pub sequencer_url: Option<&'a str>,
    /// Why this build has no in-browser verifier (empty: it has one).
    pub verifier_missing: &'a str,
    pub now_unix_ms: u64,
}

pub fn render(view: &BlockView<'_>) -> String {
    let n = view.block_number;
    let mut body = String::new();
    let _ = write!(body, "<h1>Block {n}</h1>\n<p class=\"nav\">");
    if n > 0 {
        let _ = write!(body, "<a href=\"/block/{}\">← block {}</a> · ", n - 1, n - 1);
    }
    let _ = writeln!(body, "<a href=\"/block/{}\">block {} →</a></p>", n + 1, n + 1);

    body.push_str("<h2>Pipeline</h2>\n");
    match view.record {
        None => body.push_str("<p id=\"status\">The watcher has not seen this block.</p>\n"),
        Some(record) => {
            let status = status_name(&record.status);
            body.push_str("<dl class=\"fields\">\n");
            field(
                &mut body,
                "status",
                &format!("<span id=\"status\" class=\"status {status}\">{status}</span>"),
            );
            field(&mut body, "block hash", &code(&record.block_hash.to_string()));
            field(&mut body, "parent hash", &code(&record.parent_hash.to_string()));
            if let Some(root) = record.state_root {
                field(&mut body, "state root (replay)", &code(&root.to_string()));
            }
            field(&mut body, "proving attempts", &record.attempts.to_string());
            if let Some(error) = &record.last_error {
                field(
                    &mut body,
                    "last error",
                    &format!("<span class=\"reason\">{}</span>", escape(error)),
                );
            }
            field(&mut body, "updated", &age(view.now_unix_ms, record.updated_at_unix_ms));
            body.push_str("</dl>\n");
        }
    }

    body.push_str("<h2>Proof</h2>\n");
    match view.metadata {
        None => body.push_str("<p id=\"proof\">No proof stored for this block yet.</p>\n"),
        Some(metadata) => {
            let seconds = metadata.proving_time_ms as f64 / 1000.0;
            let steps_per_second =
                if seconds > 0.0 { metadata.trace_steps as f64 / seconds } else { 0.0 };
            body.push_str("<dl class=\"fields\" id=\"proof\">\n");
            field(&mut body, "size", &format!("{} bytes", metadata.proof_size));
            field(&mut body, "security", &format!("{} bits (conjectured)", metadata.security_bits));
            field(&mut body, "prove time", &format!("{seconds:.1} s"));
            field(
                &mut body,
                "Cairo steps",
                &format!("{} ({steps_per_second:.0} steps/s)", metadata.trace_steps),
            );
            field(
                &mut body,
                "OS program hash (stored claim)",
                &code(&metadata.os_program_hash.to_string()),
            );
            field(&mut body, "prover", &escape(&metadata.prover_version));
            let format =
                metadata.proof_format_version.map_or("not recorded".into(), |v| v.to_string());
            field(&mut body, "proof format version", &format);
            field(&mut body, "SHA-256", &code(&metadata.proof_sha256));
            field(&mut body, "stored", &age(view.now_unix_ms, metadata.created_at_unix_ms));
            field(
                &mut body,
                "download",
                &format!(
                    "<a id=\"download\" href=\"/proofs/{n}\" download=\"block-{n}.proof\">block-{n}.proof</a>"
                ),
            );
            body.push_str("</dl>\n");
        }
    }

    verification_panel(&mut body, view);
    let head = if view.verifier_missing.is_empty() && view.metadata.is_some() {
        "<script type=\"module\" src=\"/assets/block.js\"></script>\n"
    } else {
        ""
    };
    page(&format!("Block {n}"), head, &body)
}

fn verification_panel(body: &mut String, view: &BlockView<'_>) {
    let sequencer = view.sequencer_url.unwrap_or("");
    let _ = write!(
        body,
        "<h2>Verify in this browser</h2>\n\
         <section id=\"verification\" data-block=\"{}\" data-sequencer=\"{}\">\n\
         <p class=\"muted\">The proof is checked here, by the WebAssembly verifier this page \
         loads, against the sequencer's own headers. It trusts only the OS program hash and the \
         minimum security compiled into the verifier, and the sequencer; not this server.</p>\n",
        view.block_number,
        escape(sequencer),
    );
    let verdict = if !view.verifier_missing.is_empty() {
        format!(
            "unavailable</strong></p>\n<p id=\"verdict-detail\">{}",
            escape(view.verifier_missing)
        )
    } else if view.metadata.is_none() {
        "not proven yet</strong></p>\n<p id=\"verdict-detail\">There is no proof to check until \
         the block is proven."
            .to_owned()
    } else {
        "checking…</strong></p>\n<p id=\"verdict-detail\">".to_owned()
    };
    let _ = write!(
        body,
        "<dl class=\"fields\">\n\
         <dt>pinned OS program hash</dt><dd><code id=\"pinned-hash\">—</code></dd>\n\
         <dt>minimum security</dt><dd id=\"min-security\">—</dd>\n\
         <dt>headers from</dt><dd id=\"header-source\">—</dd>\n\
         <dt>previous root anchored on</dt><dd id=\"anchor\">—</dd>\n\
         </dl>\n\
         <p class=\"verdict\">Verdict: <strong id=\"verdict\">{verdict}</p>\n\
         <dl class=\"fields\" id=\"verified-output\"></dl>\n\
         <h3>Header (from the sequencer)</h3>\n<dl class=\"fields\" id=\"header\"></dl>\n\
         <h3>Transactions (from the sequencer's header)</h3>\n<ol id=\"transactions\"></ol>\n\
         </section>\n"
    );
}

fn field(body: &mut String, name: &str, value: &str) {
    let _ = writeln!(body, "<dt>{name}</dt><dd>{value}</dd>");
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

//! `GET /`: the status page. Chain head, replayed and proven heights, proof lag, queue,
//! blocks proven per minute (a chart), failed or divergent blocks with their reasons, and the
//! latest blocks, each linking to its page. It reloads itself every few seconds.

use std::fmt::Write;

use crate::web::chart;
use crate::web::html::{age, escape, number, page, short_hash};
use crate::web::summary::{CHART_MINUTES, StatusSummary};

/// Seconds between reloads of the status page.
const REFRESH_SECONDS: u32 = 5;

/// The status page of `summary`; `sequencer_url` is where the watcher reads the chain.
pub fn render(
    summary: &StatusSummary,
    sequencer_url: Option<&str>,
    os_program_hash: &str,
) -> String {
    let mut body = String::new();
    body.push_str("<h1>Proving status</h1>\n");
    let _ = writeln!(
        body,
        "<p class=\"muted\">Sequencer {} · OS program <code>{}</code></p>",
        sequencer_url.map_or_else(
            || "not configured".to_owned(),
            |url| format!("<code>{}</code>", escape(url))
        ),
        escape(os_program_hash),
    );

    body.push_str("<section class=\"tiles\">\n");
    let queue = &summary.queue;
    let at_least = if summary.queue_truncated { "≥ " } else { "" };
    for (id, label, value) in [
        ("chain-head", "chain head", number(summary.chain_head)),
        ("replayed-height", "replayed", number(summary.replayed_height)),
        ("proven-height", "proven", number(summary.proven_height)),
        ("proof-lag", "proof lag (blocks)", number(summary.proof_lag)),
        (
            "queue",
            "queue (pending · replayed · proving)",
            format!("{at_least}{} · {} · {}", queue.pending, queue.replayed, queue.proving),
        ),
    ] {
        let _ = writeln!(
            body,
            "<div class=\"tile\"><div class=\"label\">{label}</div>\
             <div class=\"value\" id=\"{id}\">{value}</div></div>"
        );
    }
    body.push_str("</section>\n");

    let proven_last_hour: u32 = summary.proven_per_minute.iter().sum();
    let _ = write!(
        body,
        "<h2>Throughput</h2>\n<p>Blocks proven per minute, last {CHART_MINUTES} minutes \
         ({proven_last_hour} in all).</p>\n{}\n",
        chart::bars(&summary.proven_per_minute, "blocks proven per minute")
    );

    body.push_str("<h2>Failed or divergent blocks</h2>\n");
    if summary.problems.is_empty() {
        body.push_str("<p id=\"problems\">None.</p>\n");
    } else {
        body.push_str(
            "<table id=\"problems\"><tr><th>block</th><th>status</th><th>reason</th></tr>\n",
        );
        for problem in &summary.problems {
            let _ = writeln!(
                body,
                "<tr><td><a href=\"/block/{n}\">{n}</a></td><td class=\"status {s}\">{s}</td>\
                 <td class=\"reason\">{}</td></tr>",
                escape(&problem.reason),
                n = problem.block_number,
                s = problem.status,
            );
        }
        body.push_str("</table>\n");
    }

    body.push_str("<h2>Latest blocks</h2>\n");
    if summary.recent.is_empty() {
        body.push_str("<p>No block seen yet.</p>\n");
    } else {
        body.push_str(
            "<table id=\"blocks\"><tr><th>block</th><th>hash</th><th>status</th>\
             <th>state root (replay)</th><th>updated</th></tr>\n",
        );
        for row in &summary.recent {
            let _ = writeln!(
                body,
                "<tr data-block=\"{n}\" data-status=\"{s}\"><td><a href=\"/block/{n}\">{n}</a></td>\
                 <td>{}</td><td class=\"status {s}\">{s}</td><td>{}</td><td>{}</td></tr>",
                short_hash(&row.block_hash),
                row.state_root.as_deref().map_or_else(|| "—".to_owned(), short_hash),
                age(summary.now_unix_ms, row.updated_at_unix_ms),
                n = row.block_number,
                s = row.status,
            );
        }
        body.push_str("</table>\n");
    }
    let head = format!("<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">\n");
    page("Proving status", &head, &body)
}

//! Liveness and readiness, kept apart:
//!
//! * `GET /livez`: 200 while the process answers HTTP. A supervisor restarts the service only
//!   when this fails; a full disk or an unreachable sequencer is not fixed by a restart.
//! * `GET /readyz` and `GET /health`: 200 with `"status": "ok"` while the job index is readable
//!   and no pipeline operation has been failing for longer than
//!   [`ApiConfig::stall_after`](crate::ApiConfig::stall_after); otherwise 503 with
//!   `"status": "stalled"`. `/health`'s body names every failing operation (`failing`): its
//!   stage, how long it has been stuck, how many attempts failed and the last error, so an
//!   operator sees "proof store, stuck 95 s: No space left on device" instead of "ok".

use hyper::{Response, StatusCode};
use jsonrpsee::server::HttpBody;
use serde_json::{Value, json};

use crate::state::ApiState;

/// `/livez`.
pub fn live() -> (StatusCode, Value) {
    (StatusCode::OK, json!({ "status": "alive" }))
}

/// `/health` and `/readyz`.
pub async fn ready(state: &ApiState) -> (StatusCode, Value) {
    let checkpoint = match state.jobs.checkpoint().await {
        Ok(checkpoint) => checkpoint,
        Err(error) => {
            tracing::error!(%error, "health check: job index unreadable");
            let body = json!({ "status": "unavailable", "error": "job index unreadable" });
            return (StatusCode::SERVICE_UNAVAILABLE, body);
        }
    };
    let stalls = state.metrics.health().stalls();
    let stalled = stalls.iter().any(|stall| stall.stuck_for >= state.config.stall_after);
    let failing: Vec<Value> = stalls
        .iter()
        .map(|stall| {
            json!({
                "operation": stall.operation,
                "stage": stall.stage.as_str(),
                "stuck_seconds": stall.stuck_for.as_secs(),
                "failures": stall.failures,
                "last_error": stall.last_error,
            })
        })
        .collect();
    let body = json!({
        "status": if stalled { "stalled" } else { "ok" },
        "failing": failing,
        "stored_through": checkpoint.stored_through,
        "last_seen_head": checkpoint.last_seen_head,
        "store": state.store.location(),
    });
    let status = if stalled { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    (status, body)
}

/// A JSON response.
pub fn respond((status, body): (StatusCode, Value)) -> Response<HttpBody> {
    let mut response = Response::new(HttpBody::from(body.to_string().into_bytes()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}
